"""`update_aws_prices` against a local Price List Bulk API: an HTTP server in a thread serving
trimmed files in AWS's documented layout (tests/data/aws/pricelist/). The prices in those files
are test data (us-east-1's symmetric requests at $0.035 is a changed price to find), not AWS's."""

import threading
from decimal import Decimal as D
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from estimates.models import PriceBook, Rate
from estimates.prices import bulk_api
from estimates.prices.aws_import import AwsPriceListError, read_offer_csv

PRICELIST = Path(__file__).parent / "data" / "aws" / "pricelist"
KMS = "/offers/v1.0/aws/awskms"
US_EAST_1_CSV = f"{KMS}/20261201000000/us-east-1/index.csv"
WHOLE = (PRICELIST / US_EAST_1_CSV.lstrip("/")).read_bytes()


class Handler(SimpleHTTPRequestHandler):
    """The files as they are, except a path the test replaced: (status, body, Content-Length)."""

    replaced: dict = {}

    def do_GET(self) -> None:
        found = self.replaced.get(self.path)
        if found is None:
            return super().do_GET()
        status, body, length = found
        self.send_response(status)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    Handler.replaced = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(PRICELIST)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", Handler.replaced
    httpd.shutdown()
    httpd.server_close()


def update(base_url: str, *args: str) -> list[str]:
    out = StringIO()
    call_command("update_aws_prices", "--base-url", base_url, *args, stdout=out)
    return out.getvalue().splitlines()


def books() -> list[tuple]:
    return list(PriceBook.objects.order_by("pk").values_list("pk", "name", "status"))


def rate(book: PriceBook, code: str, region: str) -> Rate:
    return Rate.objects.get(service__price_book=book, code=code, region=region)


class TestUpdateAwsPrices:
    def test_a_new_region_and_a_changed_price_appear_in_the_draft(self, second_book, server):
        base_url, _ = server

        lines = update(base_url, "--services", "kms", "--effective-date", "2026-12-15")

        draft = PriceBook.objects.get(status=PriceBook.Status.DRAFT)
        assert (draft.copied_from, draft.effective_date.isoformat()) == (second_book, "2026-12-15")
        assert draft.name == "AWS Price List import, published 2026-12-01"
        stockholm = rate(draft, "keys", "eu-north-1")
        assert (stockholm.grade, stockholm.source) == (
            "B",
            "AWS Price List awskms, published 2026-12-01",
        )
        assert [t.price for t in stockholm.tiers.all()] == [D("1.00")]
        changed = rate(draft, "symmetric_requests", "us-east-1")
        assert [t.price for t in changed.tiers.all()] == [D("0.035")]
        assert changed.free_units == 20_000  # the offer has no free band: the book's stays
        assert rate(second_book, "symmetric_requests", "us-east-1").tiers.get().price == D("0.03")
        # No price is borrowed: key rotations have no Stockholm row in these files.
        assert not Rate.objects.filter(
            service__price_book=draft, code="key_rotations", region="eu-north-1"
        ).exists()
        assert (
            lines[0]
            == f"Created draft price book {draft.pk} “{draft.name}” from “{second_book.name}”."
        )
        assert "New rates (a Region the book had no price in): 2" in lines
        assert (
            "  kms.symmetric_requests [eu-north-1]: $0.03 / 10,000 requests; first 20,000 free"
            in lines
        )
        assert "Changed rates: 1" in lines
        assert "Unchanged rates: 1" in lines
        assert "  awskms Global-KMS-Requests: no rate has this usage type" in lines
        assert lines[-1] == (
            f"Review it at /prices/compare/{second_book.pk}/{draft.pk}/, then publish it in the "
            "admin (or run again with --publish)."
        )
        assert PriceBook.objects.current() == second_book

    def test_publish_makes_it_current_and_regions_limits_the_files(self, second_book, server):
        base_url, _ = server

        update(base_url, "--services", "kms", "--regions", "eu-north-1", "--publish", "--name", "N")

        current = PriceBook.objects.current()
        assert current.name == "N"
        assert "eu-north-1" in current.catalog().service_regions("kms")
        assert rate(current, "symmetric_requests", "us-east-1").tiers.get().price == D("0.03")

    @pytest.mark.parametrize(
        ("path", "status", "body", "length", "message"),
        [
            (US_EAST_1_CSV, 500, b"oops", None, "HTTP 500 Internal Server Error."),
            (US_EAST_1_CSV, 404, b"no", None, "HTTP 404 Not Found."),
            (
                US_EAST_1_CSV,
                200,
                WHOLE[: WHOLE.index(b"\n", WHOLE.index(b"USE1-KMS-Keys")) + 1],  # at a row's end
                len(WHOLE),
                "the answer was cut short (truncated).",
            ),
            (
                US_EAST_1_CSV,
                200,
                (PRICELIST / US_EAST_1_CSV.lstrip("/")).read_bytes().replace(b'"v1.0"', b'"v2.0"'),
                None,
                "format version 'v2.0' is not supported (expected v1.0).",
            ),
            (
                f"{KMS}/current/region_index.json",
                200,
                b'{"formatVersion": "v3.0", "regions": {}}',
                None,
                "format version 'v3.0' is not supported (expected v1.0).",
            ),
            ("/offers/v1.0/aws/index.json", 200, b"{not json", None, "not valid JSON"),
        ],
        ids=["500", "404", "truncated", "csv-format", "region-index-format", "malformed-index"],
    )
    def test_a_failure_is_one_line_a_non_zero_exit_and_no_book(
        self, second_book, server, path, status, body, length, message
    ):
        base_url, replaced = server
        replaced[path] = (status, body, length)
        before = books()

        with pytest.raises(CommandError) as raised:
            update(base_url, "--services", "kms")

        text = str(raised.value)
        assert len(text.splitlines()) == 1
        assert message in text
        assert text.endswith("Nothing was created.")
        assert base_url in text  # it names the URL
        assert books() == before

    def test_a_server_that_is_not_there_is_a_network_error(self, second_book):
        before = books()

        with pytest.raises(CommandError, match=r"cannot connect .*Nothing was created\.$"):
            update("http://127.0.0.1:9", "--services", "kms")

        assert books() == before

    def test_a_row_cut_in_half_is_named(self, second_book, server):
        base_url, replaced = server
        whole = (PRICELIST / US_EAST_1_CSV.lstrip("/")).read_bytes()
        cut = whole[: whole.rindex(b'"OnDemand"') + 5]
        replaced[US_EAST_1_CSV] = (200, cut, None)

        with pytest.raises(CommandError, match="cells; the header has 19 .a truncated or damaged"):
            update(base_url, "--services", "kms")

    def test_an_offer_the_index_lacks_and_an_unknown_service_are_named(self, second_book, server):
        base_url, _ = server
        with pytest.raises(CommandError, match="offer 'AWSSecretsManager' has no currentRegion"):
            update(base_url, "--services", "secrets_manager")
        with pytest.raises(CommandError, match="The price book has no service 'ec2'"):
            update(base_url, "--services", "ec2")
        with pytest.raises(CommandError, match="--regions: not a Region code: mars-1"):
            update(base_url, "--regions", "mars-1")


def test_by_default_every_service_with_an_offer_code_is_read(second_book):
    from estimates.prices.book_file import dump_book, read_price_book

    codes = bulk_api.offer_codes(read_price_book(dump_book(second_book)))

    assert "kms" in codes and "firewall_manager" not in codes
    assert codes["guardduty"] == "AmazonGuardDuty"


def test_the_csv_reader_holds_only_the_usage_types_it_keeps():
    path = PRICELIST / US_EAST_1_CSV.lstrip("/")
    with path.open(encoding="utf-8", newline="") as lines:
        offer = read_offer_csv(lines, str(path), keep=lambda usage_type: "Keys" in usage_type)

    assert [(p.usage_type, len(p.dimensions)) for p in offer.products] == [
        ("USE1-KMS-Keys", 1),
        ("USE1-KMS-Requests", 0),
        ("Global-KMS-Requests", 0),
    ]


def test_the_csv_form_sits_beside_the_json_form():
    assert bulk_api.csv_url("https://x/offers/v1.0/aws/awskms/1/us-east-1/index.json") == (
        "https://x/offers/v1.0/aws/awskms/1/us-east-1/index.csv"
    )
    with pytest.raises(AwsPriceListError):
        read_offer_csv(iter(['"FormatVersion","v1.0"\n']), "x.csv")
