"""Hostile form posts to the editor (POST /) and the live recompute (POST /preview).

Never a 5xx, nothing posted comes back unescaped, no inline code in what is rendered, and no saved
estimate changes.
"""

from urllib.parse import quote_plus

import pytest
from django.core.cache import cache
from django.test import override_settings
from hypothesis import example, given
from hypothesis import strategies as st

from tests.test_hostile_json import (
    HOSTILE,
    REGIONS,
    SERVICE_CODES,
    SERVICE_KEYS,
    nasty_text,
    save_one_estimate,
)
from tests.test_security import InlineCode

# Posted into every text field; it must come back escaped, never as markup.
MARKUP = '<b id="xss">"\'&'

counts = st.one_of(
    st.sampled_from(["0", "1", "2", "3", "200", "201", "1000000", "-1", "", "abc", "1e3", "٣"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
numbers_as_text = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "-0",
            "-1",
            "1e400",
            "1E-400",
            "1e999999999",
            "1e15",
            "1000000000000001",
            "999999999999999.9999999999",
            "1,000",
            "0x10",
            "١٢٣",
            "½",
            "NaN",
            "inf",
            "-Infinity",
            " 7 ",
            "1" * 5000,
            MARKUP,
        ]
    ),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    nasty_text,
)
form_values = st.one_of(st.just(MARKUP), nasty_text)
card_indexes = st.one_of(st.integers(min_value=0, max_value=3), st.sampled_from([199, 200, 10**6]))


@st.composite
def editor_posts(draw) -> list[tuple[str, str]]:
    """A formset post near what the editor sends, with hostile values and counts."""
    pairs = [
        ("card-TOTAL_FORMS", draw(counts)),
        ("card-INITIAL_FORMS", draw(st.one_of(st.just("0"), counts))),
        ("card-MIN_NUM_FORMS", draw(st.one_of(st.just("0"), counts))),
        ("card-MAX_NUM_FORMS", draw(st.one_of(st.just("200"), counts))),
    ]
    if draw(st.booleans()):
        pairs.append(("free_tier", draw(st.one_of(st.just("on"), form_values))))
    if draw(st.booleans()):
        months = st.sampled_from(["12", "24", "36", "0", "6", "-12", "48", "36.0", " 24", ""])
        pairs.append(("projection_months", draw(months | counts | form_values)))
    if draw(st.booleans()):
        growth = st.sampled_from(["2.5", "-100", "-100.0001", "1000", "1000.01", "2.5%", "1e-5"])
        pairs.append(("projection_growth_percent", draw(growth | numbers_as_text)))
    for index in draw(st.lists(card_indexes, max_size=4)):
        prefix = f"card-{index}-"
        service = draw(st.one_of(st.sampled_from(SERVICE_CODES), form_values))
        pairs.append((prefix + "service", service))
        for _ in range(draw(st.integers(0, 3))):  # checkboxes: none, one or several
            region = draw(st.one_of(st.sampled_from(REGIONS), form_values))
            pairs.append((prefix + "regions", region))
        pairs.append((prefix + "accounts", draw(st.one_of(numbers_as_text, form_values))))
        pairs.append((prefix + "group", draw(form_values)))
        # A known service's own fields are what the form binds and parses; others are noise.
        keys = st.sampled_from(SERVICE_KEYS.get(service) or SERVICE_CODES) | nasty_text
        for key in draw(st.lists(keys, max_size=4)):
            pairs.append((prefix + key, draw(numbers_as_text)))
    pairs.extend(draw(st.lists(st.tuples(nasty_text, form_values), max_size=3)))
    # A field sent twice: QueryDict keeps both, the form reads the last.
    if pairs and draw(st.booleans()):
        pairs.append((pairs[-1][0], draw(form_values)))
    return pairs


actions = st.one_of(
    st.sampled_from(
        ["", "recalculate", "save", "add:kms", "add:", "add:../", "remove:0", "remove:-1"]
        + ["remove:999", "remove:٣", "remove:1e3", "save:x"]
    ),
    st.sampled_from(SERVICE_CODES).map(lambda code: f"add:{code}"),
    nasty_text,
)


def urlencoded(pairs: list[tuple[str, str]]) -> bytes:
    """The body as a browser sends it; lone surrogates become invalid UTF-8, as attackers do."""
    return "&".join(
        f"{quote_plus(key.encode('utf-8', 'surrogatepass'))}="
        f"{quote_plus(value.encode('utf-8', 'surrogatepass'))}"
        for key, value in pairs
    ).encode("ascii")


def post_form(client, path: str, pairs: list[tuple[str, str]], htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        path,
        urlencoded(pairs),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


def assert_safe_html(response, path: str) -> None:
    assert response["Content-Type"].startswith("text/html"), path
    text = response.content.decode()
    assert MARKUP not in text
    assert '<b id="xss">' not in text
    parser = InlineCode()
    parser.feed(text)
    parser.close()
    assert parser.problems == [], path


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Saves from the no-JS editor count too: fuzzing must not hit, or leave, a full window."""
    cache.clear()
    with override_settings(COSTCALC_SAVE_RATE_LIMIT=1_000_000):
        yield
    cache.clear()


@pytest.fixture
def saved_estimate(client, price_book):
    return save_one_estimate(client, price_book)


@pytest.fixture
def preview_url() -> str:
    return "/preview"


@pytest.fixture
def editor_url() -> str:
    return "/"


def test_preview_prices_the_documented_body(client, price_book, preview_url):
    pairs = [
        ("free_tier", "on"),
        ("card-TOTAL_FORMS", "1"),
        ("card-INITIAL_FORMS", "0"),
        ("card-MIN_NUM_FORMS", "0"),
        ("card-MAX_NUM_FORMS", "200"),
        ("card-0-service", "kms"),
        ("card-0-regions", "us-east-1"),
        ("card-0-group", ""),
        ("card-0-keys", "10"),
        ("card-0-symmetric_requests", "2000000"),
    ]

    response = post_form(client, preview_url, pairs, htmx=True)

    assert response.status_code == 200
    # 10 keys at $1, 2,000,000 requests less 20,000 free at $0.03 per 10,000: $15.94.
    assert "$15.94" in response.content.decode()


# Found by the JSON twin of this test: a quantity past Decimal's exponent range overflowed.
OVERFLOW = [
    ("card-TOTAL_FORMS", "1"),
    ("card-INITIAL_FORMS", "0"),
    ("card-0-service", "kms"),
    ("card-0-regions", "us-east-1"),
    ("card-0-keys", "1e999999999"),
]


# A valid card whose growth takes it past what the engine takes.
RUNAWAY = [
    ("card-TOTAL_FORMS", "1"),
    ("card-INITIAL_FORMS", "0"),
    ("card-0-service", "kms"),
    ("card-0-region", "us-east-1"),
    ("card-0-symmetric_requests", "1000000000000"),
    ("projection_months", "36"),
    ("projection_growth_percent", "1000"),
]


@HOSTILE
@given(pairs=editor_posts(), htmx=st.booleans())
@example(pairs=OVERFLOW, htmx=True)
@example(pairs=RUNAWAY, htmx=True)
def test_preview_answers_200_to_any_post(
    client, price_book, saved_estimate, preview_url, pairs, htmx
):
    response = post_form(client, preview_url, pairs, htmx)

    assert response.status_code == 200, response.content[:300]
    assert_safe_html(response, preview_url)
    saved_estimate.assert_unchanged()


@HOSTILE
@given(body=st.binary(max_size=300))
def test_preview_survives_bytes_that_are_not_a_form(client, price_book, preview_url, body):
    response = client.post(preview_url, body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200, response.content[:300]
    assert_safe_html(response, preview_url)


@HOSTILE
@given(
    pairs=editor_posts(),
    action=actions,
    name=st.one_of(st.just("Fuzzed"), form_values, st.text(min_size=190, max_size=260)),
    description=form_values,
    htmx=st.booleans(),
)
@example(pairs=OVERFLOW, action="recalculate", name="", description="", htmx=False)
@example(pairs=RUNAWAY, action="save", name="Runaway", description="", htmx=False)
def test_editor_survives_any_post(
    client, price_book, saved_estimate, editor_url, pairs, action, name, description, htmx
):
    pairs = [*pairs, ("action", action), ("name", name), ("description", description)]

    response = post_form(client, editor_url, pairs, htmx)

    assert response.status_code < 500, response.content[:300]
    if response.status_code in (301, 302, 303):
        assert response["Location"].startswith("/e/")
    else:
        assert response.status_code in (200, 400, 429), response.status_code
        assert_safe_html(response, editor_url)
    saved_estimate.assert_unchanged()
