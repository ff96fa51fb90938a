"""Importing AWS Price List offer files: parsing, AWS terms to ours, and the command end to end."""

import json
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from estimates import pricing
from estimates.models import Estimate, PriceBook, Rate, RateTier
from estimates.prices.aws_import import (
    PriceDimension,
    read_offer_file,
    split_usage_type,
    tiers_from_dimensions,
)

AWS = Path(__file__).parent / "data" / "aws"
KMS_JSON = AWS / "awskms-index.json"
WAF_CSV = AWS / "awswaf-index.csv"
FIRST_BOOK = "AWS list prices, US East (N. Virginia), 2026-11"


def run_import(*paths: Path | str, **options) -> list[str]:
    out = StringIO()
    call_command("import_aws_prices", *map(str, paths), stdout=out, **options)
    return out.getvalue().splitlines()


def database_state() -> tuple:
    return (
        list(PriceBook.objects.values_list("id", "name", "status")),
        list(Rate.objects.order_by("id").values_list("id", "region", "free_units")),
        list(RateTier.objects.order_by("id").values_list("id", "start", "price")),
    )


def tiers(book: PriceBook, service: str, code: str, region: str) -> list[tuple[D, D]]:
    rate = Rate.objects.get(
        service__price_book=book, service__code=service, code=code, region=region
    )
    return [(tier.start, tier.price) for tier in rate.tiers.all()]


# ---------------------------------------------------------------------------------------------
# Reading offer files


class TestReadOfferFile:
    def test_json_prices_are_exact_decimals(self):
        offer = read_offer_file(KMS_JSON)

        assert (offer.offer_code, offer.publication_date, offer.version) == (
            "awskms",
            "2026-11-20T00:00:00Z",
            "20261120000000",
        )
        requests = next(p for p in offer.products if p.usage_type == "USE1-KMS-Requests")
        assert (requests.sku, requests.region_code) == ("H4VQ25AJP5STBY2V", "us-east-1")
        assert requests.dimensions == (
            PriceDimension(
                D(0), None, "Requests", D("0.0000035000"), "$0.035 per 10,000 requests - us-east-1"
            ),
        )

    def test_csv_rows_of_one_sku_are_its_tiers_and_other_terms_are_skipped(self):
        offer = read_offer_file(WAF_CSV)

        assert (offer.offer_code, offer.publication_date) == ("awswaf", "2026-11-21T00:00:00Z")
        fraud = next(p for p in offer.products if p.sku == "8PZK2MW4Q7RDXC5N")
        assert fraud.usage_type == "USE1-AMR-FraudControl-Request"
        assert [(d.begin, d.end, d.price) for d in fraud.dimensions] == [
            (D(0), D(10_000), D(0)),
            (D(10_000), D(2_000_000), D("0.001")),
            (D(2_000_000), D(5_000_000), D("0.0007")),
            (D(5_000_000), D(15_000_000), D("0.0004")),
            (D(15_000_000), D(30_000_000), D("0.0002")),
            (D(30_000_000), None, D("0.00005")),
        ]
        web_acls = [p for p in offer.products if p.usage_type == "EU-WebACLV2"]
        assert [(p.sku, p.dimensions[0].price) for p in web_acls] == [("R2XM7PQ5WK8DNB3C", D(6))]


@pytest.mark.parametrize(
    "usage_type, region_code, expected",
    [
        ("USE1-KMS-Keys", "us-east-1", ("us-east-1", "KMS-Keys")),
        ("EU-WebACLV2", "", ("eu-west-1", "WebACLV2")),
        ("APS3-RequestV2-Tier1", "", ("ap-south-1", "RequestV2-Tier1")),
        ("us-west-1-KMS-Requests", "", ("us-west-1", "KMS-Requests")),
        ("eu-west-2-KMS-Keys", "eu-west-2", ("eu-west-2", "KMS-Keys")),
        ("KMS-Keys", "us-east-1", ("us-east-1", "KMS-Keys")),
        ("Global-KMS-Requests", "", ("", "Global-KMS-Requests")),
    ],
)
def test_the_region_prefix_is_stripped_and_names_the_region(usage_type, region_code, expected):
    assert split_usage_type(usage_type, region_code) == expected


class TestTiersFromDimensions:
    def test_a_free_first_band_becomes_free_units_and_the_first_paid_tier_starts_at_zero(self):
        dimensions = [
            PriceDimension(D(0), D(10_000_000), "Request", D(0)),
            PriceDimension(D(10_000_000), None, "Request", D("0.0000012")),
        ]

        assert tiers_from_dimensions(dimensions, D(1_000_000), D(0)) == (
            D(10_000_000),
            (pricing.Tier(D(0), D("1.2")),),
        )

    def test_without_a_free_band_the_book_free_allowance_stays(self):
        dimensions = [PriceDimension(D(0), None, "Requests", D("0.000003"))]

        assert tiers_from_dimensions(dimensions, D(10_000), D(20_000)) == (
            D(20_000),
            (pricing.Tier(D(0), D("0.03")),),
        )

    def test_paid_tiers_keep_their_starts(self):
        dimensions = [
            PriceDimension(D(0), D(1_000), "Requests", D("0.75")),
            PriceDimension(D(1_000), D(10_000), "Requests", D("0.35")),
            PriceDimension(D(10_000), None, "Requests", D("0.001")),
        ]

        assert tiers_from_dimensions(dimensions, D(1), D(0)) == (
            D(0),
            (
                pricing.Tier(D(0), D("0.75")),
                pricing.Tier(D(1_000), D("0.35")),
                pricing.Tier(D(10_000), D("0.001")),
            ),
        )

    def test_an_hourly_price_becomes_a_month_of_730_hours(self):
        dimensions = [PriceDimension(D(0), None, "Hrs", D("0.0000684932"))]

        assert tiers_from_dimensions(dimensions, D(1), D(0)) == (
            D(0),
            (pricing.Tier(D(0), D("0.050000036")),),
        )


# ---------------------------------------------------------------------------------------------
# The command


EXPECTED_OUTPUT = """\
Created draft price book {pk} “AWS Price List import, published 2026-11-21” from “{first}”.
New rates (a Region the book had no price in): 2
  kms.keys [eu-west-1]: $1.00 / key-months
  kms.symmetric_requests [eu-west-1]: $0.03 / 10,000 requests; first 20,000 free
Changed rates: 4
  kms.symmetric_requests [us-east-1]: $0.035 / 10,000 requests; first 20,000 free
  kms.rsa_key_pair_requests [us-east-1]: $10.00 / 10,000 requests
  waf.web_acls [eu-west-1]: $6.00 / web ACL-months
  waf.bot_control_common_requests [eu-west-1]: $1.20 / 1,000,000 requests; first \
10,000,000 free
Unchanged rates: 4
  kms.keys [us-east-1]: $1.00 / key-months
  kms.asymmetric_requests [us-east-1]: $0.15 / 10,000 requests
  waf.web_acls [us-east-1]: $5.00 / web ACL-months
  waf.fraud_control_requests [us-east-1]: $1.00 / 1,000 attempts; from 2,000,000: $0.70; \
from 5,000,000: $0.40; from 15,000,000: $0.20; from 30,000,000: $0.05; first 10,000 free
Changes against “{first}”: 6
  added kms.keys [eu-west-1]: $1.00 / key-months
  changed kms.symmetric_requests [us-east-1]: $0.03 → $0.035 / 10,000 requests (+16.67%)
  added kms.symmetric_requests [eu-west-1]: $0.03 / 10,000 requests; first 20,000 free
  changed kms.rsa_key_pair_requests [us-east-1]: $12.00 → $10.00 / 10,000 requests (−16.67%)
  added waf.web_acls [eu-west-1]: $6.00 / web ACL-months
  added waf.bot_control_common_requests [eu-west-1]: $1.20 / 1,000,000 requests; first \
10,000,000 free
Usage types that matched no rate: 2
  awskms Global-KMS-Requests: no rate has this usage type
  awswaf USE1-ShieldProtected-WebACLV2: no rate has this usage type"""


class TestImportCommand:
    def test_it_prints_each_rate_what_changed_and_what_it_could_not_map(self, price_book):
        lines = run_import(KMS_JSON, WAF_CSV)

        draft = PriceBook.objects.exclude(pk=price_book.pk).get()
        assert lines == EXPECTED_OUTPUT.format(pk=draft.pk, first=FIRST_BOOK).splitlines()

    def test_it_creates_a_draft_copy_holding_the_new_prices(self, price_book):
        before = database_state()

        run_import(KMS_JSON, WAF_CSV, name="AWS list prices, 2026-12")

        draft = PriceBook.objects.get(name="AWS list prices, 2026-12")
        assert (draft.status, draft.copied_from) == (PriceBook.Status.DRAFT, price_book)
        assert PriceBook.objects.current() == price_book
        assert tiers(draft, "kms", "symmetric_requests", "us-east-1") == [(D(0), D("0.035"))]
        assert tiers(draft, "waf", "bot_control_common_requests", "eu-west-1") == [(D(0), D("1.2"))]
        bot = Rate.objects.get(
            service__price_book=draft, code="bot_control_common_requests", region="eu-west-1"
        )
        assert (bot.free_units, bot.per_units, bot.grade, bot.source) == (
            D(10_000_000),
            D(1_000_000),
            "B",
            "AWS Price List awswaf, published 2026-11-21",
        )
        # No price is copied from another Region: a rate the files do not price in Ireland
        # has no row there.
        assert not Rate.objects.filter(
            service__price_book=draft, code="key_rotations", region="eu-west-1"
        ).exists()
        assert draft.source_note.splitlines()[-2:] == [
            "Imported from the AWS Price List: awskms, published 2026-11-20T00:00:00Z, "
            "version 20261120000000.",
            "Imported from the AWS Price List: awswaf, published 2026-11-21T00:00:00Z, "
            "version 20261121000000.",
        ]
        # The published book is exactly as it was.
        assert database_state()[1][: len(before[1])] == before[1]
        assert database_state()[2][: len(before[2])] == before[2]

    def test_import_publish_price_new_region_uses_new_prices_and_old_estimates_stay(
        self, price_book
    ):
        item = pricing.Item(
            "kms", "us-east-1", usage={"keys": D(10), "symmetric_requests": D(1_000_000)}
        )
        saved = Estimate.objects.create_from_items(
            name="Before the import", price_book=price_book, items=[item]
        )
        assert saved.monthly_total == D("12.94")
        assert price_book.regions() == ("us-east-1",)

        run_import(KMS_JSON, WAF_CSV, name="AWS list prices, 2026-12")
        draft = PriceBook.objects.get(name="AWS list prices, 2026-12")
        draft.publish()

        current = PriceBook.objects.current()
        assert current == draft
        catalog = current.catalog()
        assert catalog.regions == ("us-east-1", "eu-west-1")
        assert catalog.service_regions("kms") == ("us-east-1", "eu-west-1")
        ireland = pricing.quote(
            catalog,
            [
                pricing.Item(
                    "kms",
                    "eu-west-1",
                    usage={"keys": D(10), "symmetric_requests": D(1_000_000)},
                ),
                pricing.Item(
                    "waf",
                    "eu-west-1",
                    usage={
                        "web_acls": D(2),
                        "rules": D(5),
                        "bot_control_common_requests": D(20_000_000),
                    },
                ),
            ],
        )
        # KMS: 10 keys × $1.00 + 98 × $0.03; WAF: 2 × $6.00 + 5 × $1.00 + 10 × $1.20.
        assert [q.monthly for q in ireland.items] == [D("12.94"), D("29.00")]
        # KMS's RSA key pair requests have no Irish price in these files: unavailable there.
        with_rsa = pricing.Item("kms", "eu-west-1", usage={"rsa_key_pair_requests": D(10_000)})
        assert [(e.field, e.message) for e in pricing.check_items(catalog, (with_rsa,))] == [
            (
                "rsa_key_pair_requests",
                "RSA GenerateDataKeyPair requests (rsa_key_pair_requests) has no price in "
                "eu-west-1 in this price book: set it to 0 or leave that Region out.",
            )
        ]
        assert pricing.quote(catalog, [item]).monthly_total == D("13.43")
        # The old book and the estimate saved with it are unchanged.
        saved = Estimate.objects.get(pk=saved.pk)
        assert (saved.price_book, saved.monthly_total) == (price_book, D("12.94"))
        assert saved.quote().monthly_total == D("12.94")
        assert tiers(price_book, "kms", "symmetric_requests", "us-east-1") == [(D(0), D("0.03"))]
        assert PriceBook.objects.get(pk=price_book.pk).regions() == ("us-east-1",)

    def test_the_new_region_is_offered_by_the_api_once_published(self, price_book, client):
        run_import(KMS_JSON, name="AWS list prices, 2026-12")
        assert [r["code"] for r in client.get("/api/v1/services").json()["regions"]] == [
            "us-east-1"
        ]

        PriceBook.objects.get(name="AWS list prices, 2026-12").publish()

        body = client.get("/api/v1/services").json()
        assert [r["code"] for r in body["regions"]] == ["us-east-1", "eu-west-1"]
        kms = next(s for s in body["services"] if s["code"] == "kms")
        assert kms["regions"] == ["us-east-1", "eu-west-1"]
        # The editor's Region choices offer it too.
        add_kms = {"card-TOTAL_FORMS": "0", "card-INITIAL_FORMS": "0", "action": "add:kms"}
        page = client.post("/", add_kms).content.decode()
        assert 'type="checkbox" name="card-0-regions" value="eu-west-1"' in page
        assert "Europe (Ireland) (eu-west-1)" in page

    def test_importing_the_same_prices_twice_in_one_run_is_harmless(self, price_book, tmp_path):
        lines = run_import(KMS_JSON, KMS_JSON)

        assert lines[1] == "New rates (a Region the book had no price in): 2"
        assert lines[4] == "Changed rates: 2"

    def test_the_current_2026_12_book_imports_and_its_replaced_inputs_survive(self, second_book):
        lines = run_import(KMS_JSON, name="Draft from 2026-12")

        draft = PriceBook.objects.get(name="Draft from 2026-12")
        assert draft.copied_from == second_book
        assert lines[0].startswith(f"Created draft price book {draft.pk} ")
        guardduty = draft.catalog().services["guardduty"]
        assert (
            guardduty.replaced_inputs == second_book.catalog().services["guardduty"].replaced_inputs
        )
        assert guardduty.replaced_inputs["runtime_monitoring_vcpus"]

    def test_an_offer_adds_a_tier_and_a_free_allowance_the_book_lacked(self, price_book, tmp_path):
        data = json.loads(KMS_JSON.read_text())
        dimensions = data["terms"]["OnDemand"]["QKTN4J7U5SHH3Z9E"]
        (term,) = dimensions.values()
        ((_, dimension),) = term["priceDimensions"].items()
        term["priceDimensions"] = {
            "free": {
                **dimension,
                "beginRange": "0",
                "endRange": "100",
                "pricePerUnit": {"USD": "0"},
            },
            "first": {**dimension, "beginRange": "100", "endRange": "1000"},
            "then": {
                **dimension,
                "beginRange": "1000",
                "endRange": "Inf",
                "pricePerUnit": {"USD": "0.0005"},
            },
        }
        path = written(tmp_path / "index.json", json.dumps(data))

        lines = run_import(path, name="Tiers")

        draft = PriceBook.objects.get(name="Tiers")
        rate = Rate.objects.get(
            service__price_book=draft, code="rsa_key_pair_requests", region="us-east-1"
        )
        assert rate.free_units == D(100)
        assert tiers(draft, "kms", "rsa_key_pair_requests", "us-east-1") == [
            (D(0), D(10)),
            (D(1000), D(5)),
        ]
        assert (
            "  kms.rsa_key_pair_requests [us-east-1]: $10.00 / 10,000 requests; from 1,000: "
            "$5.00; first 100 free" in lines
        )

    def test_two_skus_pricing_one_rate_differently_stop_the_import(self, price_book, tmp_path):
        data = json.loads(KMS_JSON.read_text())
        data["products"]["EXTRA"] = {
            **data["products"]["7M3KAXWN3U6B2TQS"],
            "sku": "EXTRA",
        }
        data["terms"]["OnDemand"]["EXTRA"] = json.loads(
            json.dumps(data["terms"]["OnDemand"]["7M3KAXWN3U6B2TQS"]).replace("1.0000000000", "2")
        )
        path = tmp_path / "index.json"
        path.write_text(json.dumps(data))
        before = database_state()

        with pytest.raises(CommandError) as raised:
            run_import(path)

        assert str(raised.value) == (
            f"{path}: SKU EXTRA prices kms.keys in us-east-1 differently from SKU "
            "7M3KAXWN3U6B2TQS. Nothing was imported."
        )
        assert database_state() == before


def written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def bad_json(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "index.json"
    path.write_text(KMS_JSON.read_text().replace(old, new, 1))
    return path


def bad_csv(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "index.csv"
    path.write_text(WAF_CSV.read_text().replace(old, new, 1))
    return path


class TestBadFiles:
    @pytest.mark.parametrize(
        "make, message",
        [
            (
                lambda tmp: written(tmp / "index.json", "<Error><Code>AccessDenied</Code></Error>"),
                "not valid JSON (Expecting value: line 1 column 1 (char 0)).",
            ),
            (
                lambda tmp: bad_json(tmp, '"formatVersion": "v1.0"', '"formatVersion": "v2.0"'),
                "format version 'v2.0' is not supported (expected v1.0).",
            ),
            (
                lambda tmp: bad_json(tmp, '"offerCode": "awskms"', '"offerCode": "AmazonEC2"'),
                "unknown offer code 'AmazonEC2' (expected one of AWSCertificateManager, "
                "AWSSecretsManager, AWSShield, AWSSystemsManager, AmazonGuardDuty, "
                "AmazonInspectorV2, AmazonMacie, awskms, awswaf).",
            ),
            (
                lambda tmp: bad_json(tmp, '"USD": "0.0000035000"', '"USD": "3.5e-6 USD"'),
                "SKU H4VQ25AJP5STBY2V: price '3.5e-6 USD' is not a number.",
            ),
            (
                lambda tmp: bad_json(tmp, '"USD": "0.0000035000"', '"USD": "NaN"'),
                "SKU H4VQ25AJP5STBY2V: price 'NaN' is not a number.",
            ),
            (
                lambda tmp: bad_csv(tmp, '"5.0000000000"', '"five"'),
                "SKU 3TDJ5VN9XS8H2QWA: price 'five' is not a number.",
            ),
            (
                lambda tmp: bad_csv(tmp, '"FormatVersion","v1.0"', '"FormatVersion","v0.9"'),
                "format version 'v0.9' is not supported (expected v1.0).",
            ),
            (
                lambda tmp: bad_csv(tmp, '"FormatVersion"', '"SKU"'),
                "not an AWS Price List CSV offer file (its first row is not FormatVersion).",
            ),
            (
                lambda tmp: bad_csv(tmp, '"usageType"', '"usage"'),
                "the header row lacks usageType.",
            ),
        ],
        ids=[
            "not-json",
            "json-format-version",
            "unknown-offer-code",
            "json-price-text",
            "json-price-nan",
            "csv-price-text",
            "csv-format-version",
            "csv-not-an-offer",
            "csv-no-usage-type",
        ],
    )
    def test_a_bad_file_stops_the_command_and_writes_nothing(
        self, price_book, tmp_path, make, message
    ):
        path = make(tmp_path)
        before = database_state()

        with pytest.raises(CommandError) as raised:
            run_import(KMS_JSON, path)

        assert str(raised.value) == f"{path}: {message} Nothing was imported."
        assert database_state() == before

    def test_a_number_decimal_cannot_hold_stops_the_command(self, price_book, tmp_path):
        huge = '"formatVersion": "v1.0", "note": 1e9999999999999999999999999'
        path = bad_json(tmp_path, '"formatVersion": "v1.0"', huge)
        before = database_state()

        with pytest.raises(CommandError) as raised:
            run_import(path)

        assert str(raised.value).startswith(f"{path}: not valid JSON (")
        assert database_state() == before

    def test_a_missing_file_is_named(self, price_book, tmp_path):
        with pytest.raises(CommandError) as raised:
            run_import(tmp_path / "nowhere.json")

        assert str(raised.value) == (
            f"{tmp_path / 'nowhere.json'}: cannot read the file (No such file or directory). "
            "Nothing was imported."
        )

    def test_files_with_nothing_we_price_import_nothing(self, price_book, tmp_path):
        data = json.loads(KMS_JSON.read_text())
        for product in data["products"].values():
            product["attributes"]["usagetype"] = "USE1-KMS-Something-Else"
        path = tmp_path / "index.json"
        path.write_text(json.dumps(data))
        before = database_state()

        with pytest.raises(CommandError) as raised:
            run_import(path)

        assert str(raised.value) == (
            "No usage type in these files maps to a rate of the price book; nothing imported. "
            "Nothing was imported."
        )
        assert database_state() == before

    def test_without_a_published_book_there_is_nothing_to_copy(self, price_book, monkeypatch):
        monkeypatch.setattr(PriceBook.objects, "current", lambda: None)

        with pytest.raises(CommandError) as raised:
            run_import(KMS_JSON)

        assert str(raised.value) == (
            "No price book is published yet: there is nothing to copy. Nothing was imported."
        )
        assert PriceBook.objects.count() == 1
