"""Price book files: the first book's file, reading with its checks, loading, dumping, commands."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command

from estimates import pricing
from estimates.models import PriceBook, Rate, RateTier, Service, UsageInput
from estimates.prices.book_file import (
    BOOK_FIELDS,
    COLUMN_NAMES,
    CONVERSIONS,
    GRADES,
    INPUT_FIELDS,
    NOT_COLUMNS,
    PRICE_BOOKS,
    RATE_FIELDS,
    REQUIRED,
    SERVICE_FIELDS,
    TIER_FIELDS,
    PriceBookFileError,
    book_json,
    catalog_from_book,
    dump_book,
    load_book,
    model_classes,
    read_price_book,
)

from .conftest import FIRST_BOOK, FIRST_BOOK_FILE, load_data

EXAMPLES = load_data("examples.json")["examples"]
TABLES = [
    (PriceBook, BOOK_FIELDS),
    (Service, SERVICE_FIELDS),
    (UsageInput, INPUT_FIELDS),
    (Rate, RATE_FIELDS),
    (RateTier, TIER_FIELDS),
]


def row_counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model, _ in TABLES)


def items_of(example: dict) -> list[pricing.Item]:
    return [
        pricing.Item(
            service=raw["service"],
            region=raw["region"],
            usage={key: Decimal(str(value)) for key, value in raw["usage"].items()},
        )
        for raw in example["items"]
    ]


def first_book_json() -> dict:
    return json.loads(FIRST_BOOK_FILE.read_text(encoding="utf-8"))


def run(command: str, *args, **options) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


class TestTheFirstBooksFile:
    def test_its_catalog_is_the_loaded_books_catalog_field_by_field(self, price_book):
        from_file = catalog_from_book(FIRST_BOOK, book_id=price_book.pk)
        from_rows = price_book.catalog()

        assert (from_file.book_id, from_file.book_name, from_file.effective_date) == (
            from_rows.book_id,
            from_rows.book_name,
            from_rows.effective_date,
        )
        assert from_file.regions == from_rows.regions == ("us-east-1",)
        assert list(from_file.services) == list(from_rows.services)
        for code, service in from_file.services.items():
            loaded = from_rows.services[code]
            assert service.inputs == loaded.inputs, code
            assert service.rates == loaded.rates, code
            assert service == loaded, code
        assert from_file == from_rows

    def test_the_loaded_book_dumps_to_the_files_exact_text(self, price_book):
        assert book_json(dump_book(price_book)) + "\n" == FIRST_BOOK_FILE.read_text(
            encoding="utf-8"
        )

    def test_every_number_is_an_exact_decimal(self):
        tiers = [
            tier
            for service in FIRST_BOOK["services"]
            for rate in service["rates"]
            for tier in rate["tiers"]
        ]
        assert all(isinstance(tier["price"], Decimal) for tier in tiers)
        assert [rate["per_units"] for rate in FIRST_BOOK["services"][0]["rates"]] == [
            1,
            1,
            10_000,
            10_000,
            10_000,
            10_000,
            10_000,
        ]


@pytest.mark.parametrize("path", sorted(PRICE_BOOKS.glob("*.json")), ids=lambda path: path.name)
def test_every_published_books_dump_reads_back_as_its_file(db, path):
    """dump → read is lossless for each shipped book, with or without JSON text between."""
    from_file = read_price_book(path)
    loaded = load_book(from_file, **model_classes(django_apps), publish=False)

    dumped = dump_book(loaded)

    assert read_price_book(dumped) == from_file  # as import_aws_prices reads the current book
    assert read_price_book(book_json(dumped)) == from_file
    assert book_json(dumped) + "\n" == path.read_text(encoding="utf-8")
    assert catalog_from_book(read_price_book(dumped)) == catalog_from_book(from_file)


class TestLoadAndDump:
    def test_a_dumped_book_loads_as_a_draft_that_prices_every_example_the_same(self, price_book):
        draft = load_book(
            read_price_book(dump_book(price_book)), **model_classes(django_apps), publish=False
        )

        assert draft.status == PriceBook.Status.DRAFT
        assert draft.pk != price_book.pk
        for example in EXAMPLES:
            items = items_of(example)
            free_tier = example["free_tier"]
            assert pricing.quote(draft.catalog(), items, free_tier) == pricing.quote(
                price_book.catalog(), items, free_tier
            ), example["id"]

    def test_a_rate_written_once_for_two_regions_is_a_row_in_each(self, db):
        data = first_book_json()
        data["services"][0]["rates"][0]["regions"] = ["us-east-1", "eu-west-1"]

        book = load_book(read_price_book(data), **model_classes(django_apps), publish=False)

        rows = Rate.objects.filter(service__price_book=book, code="keys")
        assert sorted(rows.values_list("region", flat=True)) == ["eu-west-1", "us-east-1"]
        assert book.catalog() == catalog_from_book(read_price_book(data), book_id=book.pk)
        assert book.catalog().regions == ("us-east-1", "eu-west-1")
        assert dump_book(book)["services"][0]["rates"][0]["regions"] == ["us-east-1", "eu-west-1"]

    def test_regions_priced_differently_dump_as_entries_of_their_own(self, db):
        data = first_book_json()
        ireland = {
            **data["services"][0]["rates"][0],
            "regions": ["eu-west-1"],
            "tiers": [{"start": "0", "price": "1.10"}],
        }
        data["services"][0]["rates"].insert(1, ireland)

        book = load_book(read_price_book(data), **model_classes(django_apps), publish=False)

        assert dump_book(book)["services"][0]["rates"][:2] == data["services"][0]["rates"][:2]

    def test_an_error_while_loading_loads_nothing(self, db, monkeypatch):
        before = row_counts()

        def fail(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(RateTier.objects, "bulk_create", fail)
        with pytest.raises(RuntimeError):
            load_book(FIRST_BOOK, **model_classes(django_apps), publish=True)

        assert row_counts() == before

    def test_publishing_stamps_the_book_and_makes_it_current(self, price_book):
        book = load_book(FIRST_BOOK, **model_classes(django_apps), publish=True)

        book = PriceBook.objects.get(pk=book.pk)
        assert book.is_published
        assert book.published_at > price_book.published_at
        assert PriceBook.objects.current() == book


class TestTheTablesMatchTheModels:
    """load_book leaves a default to the model and dump_book reads every column by its name."""

    @pytest.mark.parametrize("model, fields", TABLES, ids=[model.__name__ for model, _ in TABLES])
    def test_every_default_is_the_models(self, model, fields):
        for name, (_, default) in fields.items():
            if default is REQUIRED or name in NOT_COLUMNS:
                continue
            to_column = CONVERSIONS.get(name, (lambda value: value, None))[0]
            field = model._meta.get_field(COLUMN_NAMES.get(name, name))
            assert field.get_default() == to_column(default), name

    @pytest.mark.parametrize("model, fields", TABLES, ids=[model.__name__ for model, _ in TABLES])
    def test_every_column_a_person_writes_has_a_field(self, model, fields):
        # The rest are links, order, Region (a rate's "regions") and publishing state.
        kept_out = {"id", "position", "region", "status", "published_at", "created_at"}
        columns = {
            field.name
            for field in model._meta.concrete_fields
            if not field.is_relation and field.name not in kept_out
        }
        assert columns == {COLUMN_NAMES.get(name, name) for name in fields} - NOT_COLUMNS

    def test_grades_are_the_models(self):
        assert list(GRADES) == Rate.Grade.values


def edited(change) -> dict:
    data = first_book_json()
    change(data)
    return data


def kms_rate(data: dict, index: int = 0) -> dict:
    return data["services"][0]["rates"][index]


def kms_input(data: dict, index: int = 0) -> dict:
    return data["services"][0]["inputs"][index]


MACIE_DATA = "services[10].rates[2]"
MALFORMED = [
    (
        "price-text",
        lambda d: d["services"][10]["rates"][2]["tiers"][1].update(price="half"),
        f"{MACIE_DATA}.tiers[1].price: not a number",
    ),
    (
        "price-float",
        lambda d: kms_rate(d)["tiers"][0].update(price=1.0),
        'services[0].rates[0].tiers[0].price: write the number as a string, e.g. "0.03"',
    ),
    (
        "price-nan",
        lambda d: kms_rate(d)["tiers"][0].update(price="NaN"),
        "services[0].rates[0].tiers[0].price: not a number",
    ),
    (
        "price-exponent",
        lambda d: kms_rate(d)["tiers"][0].update(price="1E+2"),
        "services[0].rates[0].tiers[0].price: not a number",
    ),
    (
        "price-negative",
        lambda d: kms_rate(d)["tiers"][0].update(price="-0.01"),
        "services[0].rates[0].tiers[0].price: must be 0 or more",
    ),
    (
        "price-too-precise",
        lambda d: kms_rate(d)["tiers"][0].update(price="0.00000000001"),
        "services[0].rates[0].tiers[0].price: at most 10 decimal places",
    ),
    (
        "per-units-zero",
        lambda d: kms_rate(d, 2).update(per_units="0"),
        "services[0].rates[2].per_units: must be more than 0",
    ),
    (
        "first-tier-not-at-zero",
        lambda d: kms_rate(d)["tiers"][0].update(start="1"),
        "services[0].rates[0].tiers[0].start: the first tier must start at 0",
    ),
    (
        "tiers-not-ascending",
        lambda d: d["services"][10]["rates"][2]["tiers"][2].update(start="50000"),
        f"{MACIE_DATA}.tiers[2].start: must be above the start of the tier before",
    ),
    (
        "no-tiers",
        lambda d: kms_rate(d).update(tiers=[]),
        "services[0].rates[0].tiers: must list at least one",
    ),
    (
        "meter-not-an-input",
        lambda d: kms_rate(d).update(meters=["key"]),
        "services[0].rates[0].meters[0]: no input 'key' here",
    ),
    (
        "at-most-key-not-an-input",
        lambda d: kms_input(d, 1).update(at_most_key="kyes"),
        "services[0].inputs[1].at_most_key: no input 'kyes' here",
    ),
    (
        "requires-key-not-an-input",
        lambda d: kms_input(d, 1).update(requires_key="nothing"),
        "services[0].inputs[1].requires_key: no input 'nothing' here",
    ),
    (
        "min-above-max",
        lambda d: kms_input(d).update(min="2", max="1"),
        "services[0].inputs[0].min: must not be above max",
    ),
    (
        "billing",
        lambda d: kms_rate(d).update(billing="yearly"),
        "services[0].rates[0].billing: must be one of monthly, upfront",
    ),
    (
        "grade",
        lambda d: kms_rate(d).update(grade="F"),
        "services[0].rates[0].grade: must be one of A, B, C, D, E",
    ),
    (
        "region",
        lambda d: kms_rate(d).update(regions=["us-east1"]),
        'services[0].rates[0].regions[0]: not a Region code such as "us-east-1", nor "*"',
    ),
    (
        "whole",
        lambda d: kms_input(d).update(whole="yes"),
        "services[0].inputs[0].whole: must be true or false",
    ),
    (
        "service-code-twice",
        lambda d: d["services"][1].update(code="kms"),
        "services[1].code: 'kms' is taken by [0]",
    ),
    (
        "input-key-twice",
        lambda d: d["services"][0]["inputs"].append(kms_input(d)),
        "services[0].inputs[7].key: 'keys' is taken by [0]",
    ),
    (
        "rate-region-twice",
        lambda d: kms_rate(d, 1).update(code="keys"),
        "services[0].rates[1].regions[0]: keys in us-east-1 is priced already (rates[0])",
    ),
    (
        "unknown-field",
        lambda d: kms_rate(d).update(discount="10%"),
        "services[0].rates[0].discount: unknown field",
    ),
    (
        "required-field",
        lambda d: kms_rate(d).pop("label"),
        "services[0].rates[0].label: required",
    ),
    (
        "slug",
        lambda d: kms_input(d).update(key="customer keys"),
        "services[0].inputs[0].key: only letters, digits, - and _",
    ),
    (
        "guidance-line-break",
        lambda d: d["services"][0]["guidance"].append("Two\nlines"),
        "services[0].guidance[5]: one line, without line breaks",
    ),
    (
        "date",
        lambda d: d.update(effective_date="2026-13-01"),
        "effective_date: must be a date, YYYY-MM-DD",
    ),
    (
        "format",
        lambda d: d.update(format=3),
        "format: must be 1 or 2 (the formats this version reads)",
    ),
    (
        "services-not-a-list",
        lambda d: d.update(services={}),
        "services: must be a list",
    ),
]


class TestMalformedFiles:
    @pytest.mark.parametrize(
        "change, message",
        [(change, message) for _, change, message in MALFORMED],
        ids=[case for case, _, _ in MALFORMED],
    )
    def test_each_problem_is_named_by_its_path_and_nothing_is_loaded(
        self, db, tmp_path, change, message
    ):
        path = tmp_path / "book.json"
        path.write_text(json.dumps(edited(change)), encoding="utf-8")
        before = row_counts()

        with pytest.raises(PriceBookFileError) as raised:
            read_price_book(path)
        with pytest.raises(CommandError) as command:
            run("load_price_book", str(path))

        assert raised.value.errors == [message]
        assert str(command.value) == f"{path}: nothing was loaded.\n{message}"
        assert row_counts() == before

    def test_every_problem_gets_one_message_in_the_order_of_the_file(self):
        def several(data):
            data["name"] = ""
            kms_rate(data)["tiers"][0]["price"] = "free"
            kms_rate(data)["per_units"] = "-1"
            data["services"][10]["rates"][2]["tiers"][1]["price"] = "half"

        with pytest.raises(PriceBookFileError) as raised:
            read_price_book(edited(several))

        assert raised.value.errors == [
            "name: must not be empty",
            "services[0].rates[0].per_units: must be 0 or more",
            "services[0].rates[0].tiers[0].price: not a number",
            f"{MACIE_DATA}.tiers[1].price: not a number",
        ]

    def test_a_key_given_twice_is_named(self):
        text = FIRST_BOOK_FILE.read_text(encoding="utf-8")

        with pytest.raises(PriceBookFileError) as raised:
            read_price_book(text.replace('"format": 1,', '"format": 1,\n  "format": 1,', 1))

        assert raised.value.errors == ["format: given twice"]

    @pytest.mark.parametrize(
        "text, message",
        [
            ("", "not valid JSON: Expecting value: line 1 column 1 (char 0)"),
            ("[]", "the file: must be a JSON object"),
        ],
    )
    def test_text_that_is_no_book_is_named(self, text, message):
        with pytest.raises(PriceBookFileError) as raised:
            read_price_book(text)

        assert raised.value.errors == [message]


class TestCommands:
    def test_load_creates_a_draft_and_says_what_it_holds(self, price_book):
        out = run("load_price_book", str(FIRST_BOOK_FILE))

        book = PriceBook.objects.exclude(pk=price_book.pk).get()
        assert out == (
            f"Loaded price book {book.pk} “{FIRST_BOOK['name']}” as a draft: 11 services, "
            "60 usage inputs, 60 rates, 81 tiers.\n"
        )
        assert book.status == PriceBook.Status.DRAFT
        assert PriceBook.objects.current() == price_book
        assert book.catalog() == catalog_from_book(FIRST_BOOK, book_id=book.pk)

    def test_load_with_publish_makes_the_book_current(self, price_book):
        out = run("load_price_book", str(FIRST_BOOK_FILE), "--publish")

        book = PriceBook.objects.current()
        assert book != price_book
        assert book.is_published
        assert out.startswith(f"Loaded price book {book.pk} “{book.name}” as a published book: ")

    def test_dump_writes_the_book_to_stdout(self, price_book):
        out = run("dump_price_book", str(price_book.pk))

        assert read_price_book(out) == FIRST_BOOK
        assert out == FIRST_BOOK_FILE.read_text(encoding="utf-8")

    def test_dump_writes_a_file_that_loads_back(self, price_book, tmp_path):
        path = tmp_path / "book.json"

        out = run("dump_price_book", str(price_book.pk), "--output", str(path))
        run("load_price_book", str(path))

        assert out == f"Wrote price book {price_book.pk} “{price_book.name}” to {path}.\n"
        copy = PriceBook.objects.exclude(pk=price_book.pk).get()
        assert copy.catalog() == catalog_from_book(FIRST_BOOK, book_id=copy.pk)

    def test_dump_of_an_unknown_book_is_an_error(self, price_book):
        with pytest.raises(CommandError) as raised:
            run("dump_price_book", "999999")

        assert str(raised.value) == "There is no price book 999999."

    def test_a_file_that_cannot_be_read_loads_nothing(self, price_book, tmp_path):
        before = row_counts()

        with pytest.raises(CommandError) as raised:
            run("load_price_book", str(tmp_path / "nowhere.json"))

        assert str(raised.value).startswith(
            f"{tmp_path / 'nowhere.json'}: nothing was loaded.\n"
            f"{tmp_path / 'nowhere.json'}: cannot read the file ("
        )
        assert row_counts() == before


def test_a_source_longer_than_the_database_keeps_is_named():
    data = first_book_json()
    data["services"][0]["rates"][0]["source"] = "x" * 301

    with pytest.raises(PriceBookFileError) as raised:
        read_price_book(data)

    assert raised.value.errors == ["services[0].rates[0].source: at most 300 characters"]
