"""Every JSON shape of the API, declared once (schema.py says how): the bodies a client sends,
with the message for each rule a value can break, and the answers the API writes, with how each
field is written. payloads.py reads bodies and writes answers through these; openapi.py makes the
document's components from them, so the two cannot drift.

Money is a string with two decimals (`"5.94"`), as pages show it: totals rounded half-up from
the exact sums, their cents shared to items and lines by largest remainder so that they add up
(pricing.allocate_cents); quantities
and unit prices are exact decimal strings. The currency is pricing.CURRENCY.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from estimates import pricing
from estimates.importers import billing, terraform
from estimates.importers.billing import mapping as billing_mapping
from estimates.models import Estimate, EstimateItem
from estimates.pricing import compare, projection
from estimates.pricing import terms as _terms
from estimates.pricing.regions import region_name

from .schema import OMIT, UUID_PATTERN, Field, Scalar, Shape, array, nullable, ref, register, text

MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
QUANTITY_PATTERN = r"^[0-9]+(\.[0-9]+)?$"
UNIT_PRICE_PATTERN = r"^[0-9]+\.[0-9]{2,}$"
SHARE_SHOWN = Decimal("0.000001")
# A line's share of its pool's cost, 0 to 1, shown to SHARE_SHOWN (6 decimals).
SHARE_PATTERN = r"^(0(\.[0-9]{1,6})?|1)$"
GROWTH_PATTERN = rf"^-?[0-9]+(\.[0-9]{{1,{projection.GROWTH_PLACES}}})?$"
GROUP_LENGTH = EstimateItem._meta.get_field("group").max_length
NAME_LENGTH = Estimate.max_length("name")
DESCRIPTION_LENGTH = Estimate.max_length("description")
NOTES_LENGTH = EstimateItem._meta.get_field("notes").max_length

money = pricing.amount_text
quantity = pricing.decimal_text


def _optional_money(amount: Decimal | None) -> str | None:
    return None if amount is None else money(amount)


# ---------------------------------------------------------------------------------------------
# Values

MONEY = Scalar(
    "Money",
    text(
        "Money in USD: a string with exactly two decimals, rounded half-up from the exact sum. "
        "Never a JSON number, so no client reads it as a float.",
        pattern=MONEY_PATTERN,
        examples=["15.94"],
    ),
)
QUANTITY = Scalar(
    "Quantity",
    text(
        "An exact decimal as a string, without exponent or trailing zeros.",
        pattern=QUANTITY_PATTERN,
        examples=["2000000", "0.5"],
    ),
)
UNIT_PRICE = Scalar(
    "UnitPrice",
    text(
        "A unit price: an exact decimal string with at least two decimals.",
        pattern=UNIT_PRICE_PATTERN,
        examples=["0.03", "0.001", "3000.00"],
    ),
)
# The yes/no inputs of the shipped books (InputSpec.is_switch), which take true and false;
# tests/views/test_switches.py checks the list against every book.
SWITCH_KEYS = ("higher_throughput", "shield_advanced_covered", "advanced_subscriptions")
QUANTITY_INPUT = Scalar(
    "QuantityInput",
    {
        "type": ["number", "string"],
        "description": (
            "A quantity: a JSON number, read as an exact decimal (never a float), or a numeric "
            'string ("2,000,000" and "0.5" too). At most 10^15 and 10 decimal places; each '
            "input's bounds are in /api/v1/services."
        ),
        "examples": [2000000, "0.5"],
    },
)
SWITCH_INPUT = Scalar(
    "SwitchInput",
    {
        "type": ["number", "string", "boolean"],
        "description": "A yes/no input: true or 1, false or 0 (a quantity otherwise bounded 0-1).",
    },
)
PERCENT = text("A percentage, rounded half-up to two decimals.", pattern=MONEY_PATTERN)
EXACT_PATTERN = r"^[0-9]+(\.[0-9]+)?$"  # a decimal as given: "10", "0.50"
NET_MONEY = Scalar(
    "NetMoney",
    text(
        "Money in the terms' currency: a string with exactly two decimals. Net figures are "
        "rounded so that lines add up to their card, cards to the subtotal, and subtotal − "
        "credits + tax to the monthly total (largest remainder).",
        pattern=MONEY_PATTERN,
        examples=["8.56"],
    ),
)
PERCENT_INPUT = Scalar(
    "PercentInput",
    {
        "type": ["number", "string"],
        "description": "A percent from 0 to 100: a JSON number read as an exact decimal, or a "
        "numeric string.",
        "examples": ["10", 12.5],
    },
)


# A card's notes, in bodies and answers alike: free text that pricing never reads.
NOTES = {
    "type": "string",
    "maxLength": NOTES_LENGTH,
    "description": (
        "The card's notes, free text for its readers (a bill's import lists the card's account "
        'ids); pricing never reads them. "" for none.'
    ),
}

# ---------------------------------------------------------------------------------------------
# Bodies a client sends

QUOTE_ITEM_BODY = Shape(
    "QuoteItemBody",
    "One card: a service's usage per account and per Region. An unknown field is an error.",
    (
        Field(
            "service",
            text('A service code from /api/v1/services, e.g. "kms".', minLength=1),
            messages={"*": 'Name a service, e.g. "kms".'},
        ),
        Field(
            "region",
            text(
                f"The card's Region ({pricing.DEFAULT_REGION} when neither region nor regions is "
                "given). Give region or regions, not both."
            ),
            required=False,
            messages={"*": "region must be a string."},
        ),
        Field(
            "regions",
            array(
                {"type": "string"},
                "Every Region the card's usage runs in, each once. Give region or regions, not "
                "both.",
                minItems=1,
                uniqueItems=True,
            ),
            required=False,
            messages={
                "*": "regions must be a list of Region codes.",
                "minItems": "Name at least one Region.",
                "uniqueItems": "Name each Region once.",
            },
        ),
        Field(
            "accounts",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": pricing.MAX_ACCOUNTS,
                "default": 1,
                "description": "The usage runs in each of this many accounts, in each Region.",
            },
            required=False,
        ),  # checked by pricing.check_accounts, whose words the editor shares
        Field(
            "group",
            {
                "type": ["string", "null"],
                "maxLength": GROUP_LENGTH,
                "description": (
                    'A label that groups cards: prod, staging, a team, a module (null is "").'
                ),
            },
            required=False,
            messages={"*": f"group must be text of at most {GROUP_LENGTH} characters."},
        ),
        Field(
            "notes",
            NOTES,
            required=False,
            messages={"*": f"notes must be text of at most {NOTES_LENGTH:,} characters."},
        ),
        Field(
            "usage",
            {
                "type": "object",
                "description": (
                    "Quantities by usage key (the service's inputs); a missing key is 0. The "
                    "yes/no inputs (0 or 1) also take true and false."
                ),
                "properties": {key: ref(SWITCH_INPUT) for key in SWITCH_KEYS},
                "additionalProperties": ref(QUANTITY_INPUT),
            },
            required=False,
            messages={"type": "usage must be a JSON object."},
        ),  # each quantity is read by pricing.parse_quantity
    ),
    # Given both, the body is a 400 on field regions.
    extra={"not": {"required": ["region", "regions"]}},
)
BOTH_REGIONS_MESSAGE = 'Give either "region" or "regions", not both.'

PROJECTION_BODY = Shape(
    "ProjectionBody",
    "How the estimate grows over the months. An unknown property is an error on field "
    "projection.<name>. Months or a growth the API cannot use is a 400 on field "
    "projection.months or projection.monthly_growth_percent, as is a growth that would take a "
    "quantity past what the engine takes.",
    (
        Field(
            "months",
            {
                "enum": [*projection.MONTH_CHOICES, *map(str, projection.MONTH_CHOICES), None],
                "default": projection.DEFAULT_MONTHS,
                "description": (
                    'How many months to project: 12, 24 or 36 (a string such as "36" is read '
                    "the same; null or absent is 12)."
                ),
            },
            required=False,
        ),
        Field(
            "monthly_growth_percent",
            {
                "type": ["number", "string", "null"],
                "minimum": int(projection.MIN_GROWTH),
                "maximum": int(projection.MAX_GROWTH),
                "default": 0,
                "description": (
                    "How much every usage quantity grows a month, in percent, compounding: a "
                    'number (read as an exact decimal) or a string such as "2.5", "-1" or '
                    f'"2.5%"; from −100 to 1,000 with at most {projection.GROWTH_PLACES} '
                    "decimal places. Null or absent is 0."
                ),
                "examples": ["2.5", -1],
            },
            required=False,
        ),
    ),  # both read by projection.parse_projection, which the editor shares
)

# Terms: read by terms.parse_terms (the editor's panel shares it), which names each field it
# refuses terms.<field>; these declare what it takes for the document and the unknown-field check.
RATE_OVERRIDE_BODY = Shape(
    "RateOverrideBody",
    "A private rate: a flat USD price per the rate's per_units in place of its tiers (its free "
    "allowance still applies); no discount applies on top.",
    (
        Field("service", text("A service code.")),
        Field("rate", text("One of its rate codes (a line's usage_key).")),
        Field("unit_price", ref(QUANTITY_INPUT, "USD per the rate's per_units, 0 or more.")),
    ),
)
CURRENCY_BODY = Shape(
    "CurrencyBody",
    "The currency of the net figures and your rate for it; converted last.",
    (
        Field("code", text("An ISO 4217 code in capitals (as CLDR lists them), e.g. EUR.")),
        Field(
            "usd_rate",
            ref(QUANTITY_INPUT, "Units of the currency for 1 USD, above 0 (USD alone: 1)."),
            required=False,
        ),
    ),
)
TERMS_BODY = Shape(
    "TermsBody",
    "Terms over list prices, applied in this order: rate_overrides, discounts, credits, tax, "
    "currency. Every field is optional; a bad one is a 400 on terms.<field> (e.g. "
    "terms.service_discounts.kmz, terms.rate_overrides[0].rate, terms.currency.code).",
    (
        Field(
            "discount_percent",
            ref(PERCENT_INPUT, "Off every line, 0 to 100."),
            required=False,
        ),
        Field(
            "service_discounts",
            {
                "type": "object",
                "additionalProperties": ref(PERCENT_INPUT),
                "description": 'Percent by service code ({"kms": "20"}): replaces '
                "discount_percent for that service, never stacks with it.",
            },
            required=False,
        ),
        Field(
            "rate_overrides",
            array(ref(RATE_OVERRIDE_BODY), "Private rates, each rate once."),
            required=False,
        ),
        Field(
            "monthly_credits",
            ref(QUANTITY_INPUT, "USD off each month's net monthly charges, never below zero."),
            required=False,
        ),
        Field(
            "credit_months",
            {
                "type": ["integer", "string"],
                "description": "How many months the credits last, 1 to "
                f"{_terms.MAX_CREDIT_MONTHS:,}; absent: every month.",
            },
            required=False,
        ),
        Field("tax_percent", ref(PERCENT_INPUT, "Added after credits, 0 to 100."), required=False),
        Field("currency", ref(CURRENCY_BODY), required=False),
    ),
)
NAMED_TERMS_BODY = Shape(
    "NamedTermsBody",
    "Terms to save by name, checked against the current book.",
    (
        Field(
            "name",
            text(f"1 to {NAME_LENGTH} characters.", minLength=1, maxLength=NAME_LENGTH),
        ),
        Field("terms", ref(TERMS_BODY)),
    ),
)

QUOTE_BODY_FIELDS = (
    Field(
        "free_tier",
        {
            "type": "boolean",
            "default": True,
            "description": "Apply free allowances that never expire. Trials are never applied.",
        },
        required=False,
        messages={"*": "free_tier must be true or false."},
    ),
    Field(
        "items",
        array(
            ref(QUOTE_ITEM_BODY),
            f"At most {pricing.MAX_ITEMS} cards, making at most {pricing.MAX_LINES:,} cost "
            "lines (each card's rates that meter some of its usage, in each of its Regions; "
            "with terms, in each month a growing projection prices).",
            maxItems=pricing.MAX_ITEMS,
            default=[],
        ),
        required=False,
        messages={
            "type": "items must be a list.",
            "maxItems": f"At most {pricing.MAX_ITEMS} items in one estimate.",
        },
    ),
    Field(
        "price_book",
        {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": (
                "The id of a published price book to price with instead of the current one "
                "(null or absent: the current book). A draft or unknown id is a 400 on field "
                "price_book."
            ),
        },
        required=False,
    ),  # looked up by PriceBook.objects.published_book
    Field(
        "projection",
        {
            "oneOf": [ref(PROJECTION_BODY), {"type": "null"}],
            "description": (
                "Project the estimate over 12, 24 or 36 months; the answer then has a "
                "projection. Null or absent: none asked for."
            ),
        },
        required=False,
    ),
    Field(
        "terms",
        {
            "oneOf": [ref(TERMS_BODY), {"type": "null"}],
            "description": "The organisation's terms over list prices; the answer then has "
            "net figures beside the list ones. Not with terms_id.",
        },
        required=False,
    ),  # read by terms.parse_terms
    Field(
        "terms_id",
        {
            "type": ["string", "null"],
            "format": "uuid",
            "description": "The id of named terms (POST /api/v1/terms) to apply instead of "
            "terms; a save keeps its own copy of them.",
        },
        required=False,
    ),  # looked up by payloads.find_named_terms
)
SAVE_FIELDS = (
    Field(
        "name",
        text(
            f"The estimate's name, 1 to {NAME_LENGTH} characters (surrounding spaces are removed).",
            minLength=1,
            maxLength=NAME_LENGTH,
        ),
    ),  # checked by the model, as every save is
    Field(
        "description",
        {
            "type": ["string", "null"],
            "maxLength": DESCRIPTION_LENGTH,
            "description": (
                f'An optional description, at most {DESCRIPTION_LENGTH:,} characters (null is "").'
            ),
        },
        required=False,
        messages={"type": "description must be text."},
    ),
    Field(
        "copied_from",
        {
            "type": ["string", "null"],
            "format": "uuid",
            "pattern": UUID_PATTERN,
            "description": "The id of the saved estimate this one is a copy of (a lower-case "
            "dashed UUID), or null.",
        },
        required=False,
        messages={"*": "No estimate has this id."},
    ),
)
SAVE_BODY = Shape(
    "SaveBody",
    "An estimate to save: a quote body with a name.",
    QUOTE_BODY_FIELDS + SAVE_FIELDS,
)
QUOTE_BODY = Shape(
    "QuoteBody",
    "An estimate to price. An unknown field is an error, not ignored.",
    QUOTE_BODY_FIELDS
    + tuple(
        Field(
            f.name, {"description": "Accepted and ignored here, as in a save body."}, required=False
        )
        for f in SAVE_FIELDS
    ),
)

TERRAFORM_PLAN = Shape(
    "TerraformPlan",
    "What terraform show -json plan.out prints (JSON output format 1.x), at most 20 MB "
    f"and nested at most {terraform.MAX_DEPTH} levels deep. Other properties are read "
    "as Terraform documents them, or ignored.",
    (
        Field(
            "format_version",
            text(
                "The plan's JSON output format; costcalc reads 1.x.",
                pattern=r"^1(\.|$)",
            ),
        ),
        Field(
            "terraform_version",
            {"description": "The Terraform that wrote it; not read."},
            required=False,
        ),
        # Read when they are objects, as Terraform writes them; anything else is ignored.
        Field(
            "planned_values",
            {"description": "What the apply leaves; read when an object."},
            required=False,
        ),
        Field(
            "resource_changes",
            array(
                {"type": "object"},
                f"What the apply does to each resource; at most {terraform.MAX_RESOURCES:,}.",
                maxItems=terraform.MAX_RESOURCES,
            ),
            required=False,
        ),
        Field(
            "configuration",
            {"description": "Providers and their Regions; read when an object."},
            required=False,
        ),
        Field(
            "variables",
            {"description": "The root module's variables; read when an object."},
            required=False,
        ),
    ),
    closed=False,
    # A state file has neither: it is refused as not a plan.
    extra={"anyOf": [{"required": ["planned_values"]}, {"required": ["resource_changes"]}]},
)
USAGE_FILE = Shape(
    "UsageFile",
    "Usage a plan cannot know: requests, events, GB a month, per resource.",
    (
        Field(
            "resource_usage",
            {
                "type": ["object", "null"],
                "description": (
                    "Usage by resource address (aws_kms_key.app[0]), resource (aws_kms_key.app) "
                    "or resource type (aws_kms_key); the most specific name wins. Null, for "
                    "it or for a resource's usage, is none (as YAML writes a key left empty)."
                ),
                "additionalProperties": {
                    "type": ["object", "null"],
                    "additionalProperties": ref(QUANTITY_INPUT),
                },
            },
        ),
        Field("version", {"description": "Ignored."}, required=False),
    ),
)
IMPORT_BODY = Shape(
    "ImportBody",
    "A plan with its usage file.",
    (
        Field(
            "plan",
            {
                "oneOf": [ref(TERRAFORM_PLAN), {"type": "string"}],
                "description": "The plan, as JSON or as its JSON text.",
            },
        ),
        Field(
            "usage",
            {
                "oneOf": [ref(USAGE_FILE), {"type": "string"}, {"type": "null"}],
                "description": "A usage file, as JSON, or as JSON or YAML text.",
            },
            required=False,
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# Answers the API writes: what each is written from, then its fields


@dataclass(frozen=True)
class Priced:
    """A quote and the catalog it was priced with (and its projection, when asked for)."""

    catalog: pricing.Catalog
    quote: pricing.Quote
    projection: projection.ProjectionResult | None = None
    net: _terms.NetQuote | None = None  # with terms that change something
    notes: tuple[str, ...] = ()  # the cards' notes, in order ("" for a card given none)

    def items(self) -> list:
        """The item quotes to write, each with its notes; with terms, its net figures too."""
        notes = [*self.notes[: len(self.quote.items)]]
        notes += [""] * (len(self.quote.items) - len(notes))
        return [NotedItemQuote(item, note) for item, note in zip(self._items(), notes, strict=True)]

    def _items(self) -> list:
        if self.net is None:
            return list(self.quote.items)
        shown = _terms.shown(self.net)
        return [
            NetItemQuote(item_quote, net_item, item_shown, tuple(lines_shown))
            for item_quote, net_item, item_shown, lines_shown in zip(
                self.quote.items,
                self.net.items,
                shown.items_monthly,
                shown.lines_monthly,
                strict=True,
            )
        ]


@dataclass(frozen=True)
class NetLine:
    """A line with its net figures (in the terms' currency, cents that add up)."""

    line: pricing.Line
    net: _terms.NetLine
    net_monthly: Decimal

    def __getattr__(self, name: str):
        return getattr(self.line, name)


@dataclass(frozen=True)
class NetItemQuote:
    """A priced card with its net figures, and its lines with theirs."""

    item_quote: pricing.ItemQuote
    net: _terms.NetItem
    net_monthly: Decimal
    lines_shown: tuple[Decimal, ...]

    @property
    def lines(self) -> list[NetLine]:
        return [
            NetLine(line, net_line, shown)
            for line, net_line, shown in zip(
                self.item_quote.lines, self.net.lines, self.lines_shown, strict=True
            )
        ]

    def __getattr__(self, name: str):
        return getattr(self.item_quote, name)


@dataclass(frozen=True)
class NotedItemQuote:
    """A priced card (with its net figures, when there are terms) and its notes."""

    item_quote: pricing.ItemQuote | NetItemQuote
    notes: str

    def __getattr__(self, name: str):
        return getattr(self.item_quote, name)


@dataclass(frozen=True)
class SavedPriced(Priced):
    """A saved estimate, priced with its own book, with the usage it was saved with."""

    estimate: Estimate | None = None
    usages: tuple[dict, ...] = ()


@dataclass(frozen=True)
class SavedItemQuote:
    """A priced card of a saved estimate, with the usage it was saved with."""

    item_quote: pricing.ItemQuote
    usage: dict

    def __getattr__(self, name: str):
        return getattr(self.item_quote, name)


@dataclass(frozen=True)
class InCatalog:
    catalog: pricing.Catalog
    service: pricing.ServiceSpec


@dataclass(frozen=True)
class InputInCatalog:
    """A usage input with the catalog that says where it has a price."""

    catalog: pricing.Catalog
    service: pricing.ServiceSpec
    spec: pricing.InputSpec


@dataclass(frozen=True)
class SavedLinks:
    id: str
    url: str
    csv_url: str
    json_url: str
    projection: projection.ProjectionResult | None


@dataclass(frozen=True)
class ComparedSide:
    estimate: Estimate
    quote: pricing.Quote


@dataclass(frozen=True)
class Compared:
    a: Estimate
    b: Estimate
    comparison: compare.EstimateComparison
    net: _terms.NetComparison | None = None
    projections: compare.ProjectionComparison | None = None


@dataclass(frozen=True)
class Imported:
    catalog: pricing.Catalog
    result: terraform.ImportResult
    quote: pricing.Quote


def _notes(items: list[terraform.ImportedItem]) -> tuple[str, ...]:
    return tuple(item.notes for item in items)


def answer(name: str, description: str, *fields: Field) -> Shape:
    """An object the API writes: every field but the optional ones always there, no other."""
    return Shape(name, description, fields)


PRICE_BOOK = answer(
    "PriceBook",
    "A published price book.",
    Field(
        "id",
        {"type": "integer", "description": "The book's number, as a body's price_book names it."},
        lambda c: c.book_id,
    ),
    Field("name", text("The book's name."), lambda c: c.book_name),
    Field(
        "effective_date",
        text("The date its prices are from.", format="date"),
        lambda c: c.effective_date,
    ),
)
REGION = answer(
    "Region",
    "",
    Field("code", text("e.g. us-east-1"), lambda code: code),
    Field("name", text("e.g. US East (N. Virginia)"), region_name),
)
USAGE_INPUT = answer(
    "UsageInput",
    "One usage input of a service.",
    Field("key", text("The usage key, as the quote body's usage names it."), lambda i: i.spec.key),
    Field("label", text("What to enter."), lambda i: i.spec.label),
    Field("unit", text("Its unit."), lambda i: i.spec.unit),
    Field("help", text("More about it, or an empty string."), lambda i: i.spec.help),
    Field(
        "min",
        ref(QUANTITY, "The smallest value allowed."),
        lambda i: quantity(i.spec.min_value),
    ),
    Field(
        "max",
        ref(QUANTITY, "The largest value allowed."),
        lambda i: quantity(i.spec.max_value),
    ),
    Field(
        "step",
        {"enum": ["1", "any"], "description": '"1" for whole numbers.'},
        lambda i: i.spec.step,
    ),
    Field(
        "regions",
        array(
            {"type": "string"},
            "The Regions where this input has a price: elsewhere among the service's Regions it "
            "is unavailable, and a quantity above 0 there is a 400 naming the input and Region.",
        ),
        lambda i: list(i.catalog.input_regions(i.service.code, i.spec.key)),
    ),
)
SERVICE = answer(
    "Service",
    "",
    Field("code", text("The service code, e.g. kms."), lambda s: s.service.code),
    Field("name", text("The service's name."), lambda s: s.service.name),
    Field("summary", text("One line about it."), lambda s: s.service.summary),
    Field(
        "guidance",
        array({"type": "string"}, "What to know before choosing it."),
        lambda s: list(s.service.guidance),
    ),
    Field(
        "free_tier_note",
        text("Its free allowance, or an empty string."),
        lambda s: s.service.free_tier_note,
    ),
    Field(
        "regions",
        array({"type": "string"}, "The Regions where the book prices any of its rates."),
        lambda s: list(s.catalog.service_regions(s.service.code)),
    ),
    Field(
        "inputs",
        array(ref(USAGE_INPUT), "Its usage inputs, in the editor's order."),
        lambda s: [
            USAGE_INPUT.write(InputInCatalog(s.catalog, s.service, spec))
            for spec in s.service.inputs
        ],
    ),
)
CATALOG = answer(
    "Catalog",
    "What the current price book prices.",
    Field("currency", {"const": pricing.CURRENCY}, lambda c: pricing.CURRENCY),
    Field("price_book", ref(PRICE_BOOK, "The current price book."), PRICE_BOOK.write),
    Field(
        "regions",
        array(ref(REGION), "Every Region the book has prices for."),
        lambda c: [REGION.write(code) for code in c.regions],
    ),
    Field(
        "services",
        array(ref(SERVICE), "Every service the book prices."),
        lambda c: [SERVICE.write(InCatalog(c, s)) for s in c.services.values()],
    ),
)

LINE = answer(
    "Line",
    "One cost line of a card, with the working.",
    Field(
        "usage_key",
        text("The usage key (or rate code) this line prices."),
        lambda line: line.usage_key,
    ),
    Field("label", text("What the line is, for people."), lambda line: line.label),
    Field(
        "quantity",
        ref(QUANTITY, "The card's quantity of this line's unit."),
        lambda line: quantity(line.quantity),
    ),
    Field("unit", text("The unit of quantity, e.g. requests."), lambda line: line.unit),
    Field(
        "free_quantity",
        ref(QUANTITY, "Units of the quantity inside the free allowance."),
        lambda line: quantity(line.free_quantity),
    ),
    Field(
        "billable_quantity",
        ref(QUANTITY, "Units charged: quantity − free_quantity."),
        lambda line: quantity(line.billable_quantity),
    ),
    Field(
        "unit_price",
        ref(UNIT_PRICE, "The price of per_units units (of the first paid tier)."),
        lambda line: pricing.price_amount(line.unit_price),
    ),
    Field(
        "per_units",
        ref(QUANTITY, 'The units unit_price is for, e.g. "10000".'),
        lambda line: quantity(line.per_units),
    ),
    Field(
        "billing",
        {"enum": [pricing.MONTHLY, pricing.UPFRONT], "description": "When it is paid."},
        lambda line: line.billing,
    ),
    Field(
        "monthly", ref(MONEY, "This line's cost a month."), lambda line: money(line.shown_monthly)
    ),
    Field(
        "upfront", ref(MONEY, "This line's one-off cost."), lambda line: money(line.shown_upfront)
    ),
    Field(
        "formula",
        text("The working, e.g. (2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94."),
        lambda line: line.formula,
    ),
    Field("source", text("Where the price comes from."), lambda line: line.source),
    Field(
        "grade",
        {
            "enum": ["A", "B", "C", "D", "E"],
            "description": "How sure the price is: A an AWS page … E not verified.",
        },
        lambda line: line.grade,
    ),
    Field(
        "region",
        text("The Region this line is priced in: one of the card's regions."),
        lambda line: line.region,
    ),
    Field(
        "pooled_quantity",
        ref(
            QUANTITY,
            "The quantity the tiers and free allowance were applied to: the quantities of every "
            "card pooled at this rate's pooling level, summed (one account's for account_region).",
        ),
        lambda line: quantity(line.pooled_quantity),
    ),
    Field(
        "share",
        text(
            "This card's part of the pooled quantity, and so of the pool's cost: from 0 to 1, to "
            "6 decimal places; 1 when the card is priced alone, 0 when the fee is waived.",
            pattern=SHARE_PATTERN,
            examples=["1", "0.5"],
        ),
        lambda line: quantity(line.share.quantize(SHARE_SHOWN)),
    ),
    Field(
        "pooling",
        {
            "enum": list(pricing.POOLING_LEVELS),
            "description": "Where AWS counts usage for this rate's tiers and free allowance: "
            + "; ".join(f"{level}, {words}" for level, words in pricing.POOLING_LEVELS.items())
            + ".",
        },
        lambda line: line.pooling,
    ),
    Field(
        "pooling_verified",
        {
            "type": "boolean",
            "description": "Whether AWS's word for the pooling level was found (it has a source).",
        },
        lambda line: not line.pooling_unverified,
    ),
    Field(
        "waived",
        text('Why the fee is $0 because another service covers it, or "" when it is not waived.'),
        lambda line: line.waived,
    ),
    Field(
        "net_monthly",
        ref(NET_MONEY, "With terms: this line a month after its private rate or discount."),
        lambda line: money(line.net_monthly) if isinstance(line, NetLine) else OMIT,
        optional=True,
    ),
    Field(
        "net_upfront",
        ref(NET_MONEY, "With terms: its one-off cost, the same way."),
        lambda line: money(line.net.upfront) if isinstance(line, NetLine) else OMIT,
        optional=True,
    ),
    Field(
        "discount_percent",
        nullable(
            text("A percent as given.", pattern=EXACT_PATTERN),
            "With terms: the discount applied (its service's, else the overall one), or null "
            "when a private rate priced the line.",
        ),
        lambda line: (
            OMIT
            if not isinstance(line, NetLine)
            else None
            if line.net.discount_percent is None
            else format(line.net.discount_percent, "f")
        ),
        optional=True,
    ),
    Field(
        "override_unit_price",
        nullable(
            text("USD per the line's per_units.", pattern=EXACT_PATTERN),
            "With terms: the private rate that priced this line, or null.",
        ),
        lambda line: (
            OMIT
            if not isinstance(line, NetLine)
            else None
            if line.net.override is None
            else format(line.net.override.unit_price, "f")
        ),
        optional=True,
    ),
)

QUOTE_ITEM = answer(
    "QuoteItem",
    "A priced card.",
    Field("service", text("The service code."), lambda q: q.item.service),
    Field("service_name", text("The service's name."), lambda q: q.service_name),
    Field(
        "region", text("The card's first Region (its only one, usually)."), lambda q: q.item.region
    ),
    Field(
        "regions",
        array({"type": "string"}, "Every Region of the card, in order.", minItems=1),
        lambda q: list(q.item.regions),
    ),
    Field(
        "accounts",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": pricing.MAX_ACCOUNTS,
            "description": "How many accounts the card's usage runs in, in each Region.",
        },
        lambda q: q.item.accounts,
    ),
    Field("group", text("The card's group, or an empty string."), lambda q: q.item.group),
    Field("notes", NOTES, lambda q: q.notes),
    Field("monthly", ref(MONEY, "The card's cost a month."), lambda q: money(q.shown_monthly)),
    Field("upfront", ref(MONEY, "The card's one-off cost."), lambda q: money(q.shown_upfront)),
    Field(
        "lines",
        array(
            ref(LINE), "The card's cost lines, Region by Region; none when its usage is all zero."
        ),
        lambda q: [LINE.write(line) for line in q.lines],
    ),
    Field(
        "net_monthly",
        ref(NET_MONEY, "With terms: the card a month, net, before credits and tax."),
        lambda q: money(q.net_monthly) if _has_net(q) else OMIT,
        optional=True,
    ),
    Field(
        "net_upfront",
        ref(NET_MONEY, "With terms: the card's one-off cost, net."),
        lambda q: money(q.net.upfront) if _has_net(q) else OMIT,
        optional=True,
    ),
)
SAVED_ITEM = QUOTE_ITEM.but(
    "SavedItem",
    "A priced card of a saved estimate, with the usage it was saved with.",
    Field(
        "usage",
        {
            "type": "object",
            "additionalProperties": ref(QUANTITY),
            "description": "The card's usage as it was saved.",
        },
        lambda q: q.usage,
    ),
)

COMMITMENT = answer(
    "Commitment",
    "A line that binds for a term (Shield Advanced's one year) once its quantity is above "
    "zero, whatever the growth does to the usage.",
    Field("service", text("The service code."), lambda c: c.service),
    Field("service_name", text("The service's name."), lambda c: c.service_name),
    Field("region", text("The card's first Region."), lambda c: c.region),
    Field("group", text("The card's group, or an empty string."), lambda c: c.group),
    Field("usage_key", text("The line's usage key."), lambda c: c.usage_key),
    Field("label", text("What the line is."), lambda c: c.label),
    Field(
        "months",
        {"type": "integer", "minimum": 1, "description": "The term, in months."},
        lambda c: c.months,
    ),
    Field(
        "first_month",
        {"type": "integer", "minimum": 1, "description": "It binds from."},
        lambda c: c.first_month,
    ),
    Field(
        "last_month",
        {"type": "integer", "minimum": 1, "description": "It binds until."},
        lambda c: c.last_month,
    ),
    Field("monthly", ref(MONEY, "The line's fee in month 1."), lambda c: money(c.monthly)),
    Field(
        "committed_total",
        ref(MONEY, "months × monthly: what the term commits."),
        lambda c: money(c.committed_total),
    ),
)
OVER_LIMIT = answer(
    "OverLimit",
    "An input whose grown quantity passes its own bound: priced as grown, never clamped.",
    Field("service", text("The service code."), lambda o: o.service),
    Field("region", text("The card's first Region."), lambda o: o.region),
    Field("group", text("The card's group, or an empty string."), lambda o: o.group),
    Field("usage_key", text("The input's usage key."), lambda o: o.usage_key),
    Field("label", text("What the input is."), lambda o: o.label),
    Field("max", ref(QUANTITY, "The input's own bound."), lambda o: quantity(o.max_value)),
    Field(
        "month",
        {
            "type": "integer",
            "minimum": 2,
            "description": "The first month its grown quantity passes max.",
        },
        lambda o: o.month,
    ),
    Field(
        "quantity",
        ref(QUANTITY, "Its grown quantity in that month, priced as it is."),
        lambda o: quantity(o.quantity),
    ),
)


def _has_net(item: object) -> bool:
    """Whether an item quote carries net figures (NetItemQuote, or a card wrapping one)."""
    while not isinstance(item, NetItemQuote) and hasattr(item, "item_quote"):
        item = item.item_quote
    return isinstance(item, NetItemQuote)


PROJECTION = answer(
    "Projection",
    "The estimate month by month: month m prices each usage quantity × (1 + growth)^(m−1) "
    "through the engine, so free allowances and tiers apply to each month's own usage. "
    "Inputs that take whole units are rounded down each month; switches (0 or 1) do not "
    "grow; one-off costs count in month 1.",
    Field(
        "months",
        {"enum": list(projection.MONTH_CHOICES), "description": "How far it looks."},
        lambda r: r.projection.months,
    ),
    Field(
        "monthly_growth_percent",
        text(
            "The monthly growth in percent, as an exact decimal string (e.g. 2.5 or -1).",
            pattern=GROWTH_PATTERN,
        ),
        lambda r: quantity(r.projection.monthly_growth_percent),
    ),
    Field(
        "monthly_totals",
        array(
            ref(MONEY),
            "Each month's total, month 1 first (its one-off costs included): months of them. "
            "They add up to total: the cents are shared by largest remainder.",
            minItems=min(projection.MONTH_CHOICES),
            maxItems=max(projection.MONTH_CHOICES),
        ),
        lambda r: [money(month.total) for month in r.shown_months],
    ),
    Field(
        "total",
        ref(MONEY, "Every month's total, summed exactly, then rounded."),
        lambda r: money(r.total),
    ),
    Field(
        "commitments",
        array(ref(COMMITMENT), "The lines that bind for a term from month 1, if any."),
        lambda r: [COMMITMENT.write(c) for c in r.commitments],
    ),
    Field(
        "over_limits",
        array(
            ref(OVER_LIMIT),
            "The inputs whose grown quantity passes their own bound, each once, if any.",
        ),
        lambda r: [OVER_LIMIT.write(o) for o in r.over_limits],
    ),
    Field(
        "net_currency",
        text("With terms: the currency of the net figures."),
        lambda r: r.net_currency if r.net_months else OMIT,
        optional=True,
    ),
    Field(
        "net_monthly_totals",
        array(
            ref(NET_MONEY),
            "With terms: each month net, its own usage under the terms, the credits only in "
            "the months they last (credit_months).",
        ),
        lambda r: [money(t) for t in r.shown_net_monthly_totals] if r.net_months else OMIT,
        optional=True,
    ),
    Field(
        "net_total",
        ref(NET_MONEY, "With terms: every month net, summed exactly, then rounded."),
        lambda r: money(r.net_total) if r.net_months else OMIT,
        optional=True,
    ),
)


def _terms_field(name: str, schema: dict) -> Field:
    return Field(name, schema, lambda t: t.get(name, OMIT), optional=True)


TERMS = answer(
    "Terms",
    "Terms as given, decimals as exact strings; a field that changes nothing is left out.",
    _terms_field("discount_percent", text("As given.", pattern=EXACT_PATTERN)),
    _terms_field(
        "service_discounts",
        {"type": "object", "additionalProperties": text("A percent.", pattern=EXACT_PATTERN)},
    ),
    _terms_field(
        "rate_overrides",
        array(
            {
                "type": "object",
                "properties": {
                    "service": text("A service code."),
                    "rate": text("A rate code."),
                    "unit_price": text("USD per per_units.", pattern=EXACT_PATTERN),
                },
                "required": ["service", "rate", "unit_price"],
                "additionalProperties": False,
            }
        ),
    ),
    _terms_field("monthly_credits", text("USD a month.", pattern=EXACT_PATTERN)),
    _terms_field("credit_months", {"type": "integer", "minimum": 1}),
    _terms_field("tax_percent", text("As given.", pattern=EXACT_PATTERN)),
    _terms_field(
        "currency",
        {
            "type": "object",
            "properties": {
                "code": text("ISO 4217."),
                "usd_rate": text("For 1 USD.", pattern=EXACT_PATTERN),
            },
            "required": ["code", "usd_rate"],
            "additionalProperties": False,
        },
    ),
)


@dataclass(frozen=True)
class ShownNet:
    net: _terms.NetQuote
    shown: _terms.ShownNet


NET = answer(
    "Net",
    "What the organisation pays under its terms, in their currency.",
    Field("currency", text("ISO 4217."), lambda n: n.net.currency),
    Field(
        "usd_rate",
        text("The rate given for 1 USD.", pattern=EXACT_PATTERN),
        lambda n: format(n.net.terms.usd_rate, "f"),
    ),
    Field(
        "monthly_subtotal",
        ref(NET_MONEY, "Monthly, after private rates and discounts."),
        lambda n: money(n.shown.monthly_subtotal),
    ),
    Field(
        "credits",
        ref(NET_MONEY, "What the credits take off month 1."),
        lambda n: money(n.shown.credits),
    ),
    Field("tax", ref(NET_MONEY, "Month 1's tax, after credits."), lambda n: money(n.shown.tax)),
    Field(
        "monthly_total",
        ref(NET_MONEY, "Month 1: monthly_subtotal − credits + tax."),
        lambda n: money(n.shown.monthly_total),
    ),
    Field(
        "upfront_total",
        ref(NET_MONEY, "One-off costs, discounted and taxed (credits are monthly)."),
        lambda n: money(n.net.upfront_total),
    ),
    Field(
        "first_12_months_total",
        ref(NET_MONEY, "upfront_total + months 1 to 12, the credits while they last."),
        lambda n: money(n.net.first_12_months_total),
    ),
)


def _asked_projection(p: Priced) -> object:
    return OMIT if p.projection is None else PROJECTION.write(p.projection)


def _warnings(p: Priced) -> object:
    """The editor's outsize notes, as errors are written: priced all the same, but worth a look."""
    warnings = [
        ERROR.write(pricing.FieldError(index, key, note))
        for index, item_quote in enumerate(p.quote.items)
        for key, note in pricing.outsize_notes(p.catalog, item_quote).items()
    ]
    growth = p.projection and projection.outsize_growth_note(p.projection.projection, p.projection)
    if growth:
        warnings.append(
            ERROR.write(pricing.FieldError(None, "projection.monthly_growth_percent", growth))
        )
    return warnings or OMIT


QUOTE_FIELDS = (
    Field(
        "currency",
        {"const": pricing.CURRENCY, "description": "Every amount is in this currency."},
        lambda p: pricing.CURRENCY,
    ),
    Field(
        "price_book",
        ref(PRICE_BOOK, "The price book the quote was priced with."),
        lambda p: PRICE_BOOK.write(p.catalog),
    ),
    Field(
        "free_tier",
        {"type": "boolean", "description": "Whether free allowances were applied."},
        lambda p: p.quote.free_tier,
    ),
    Field(
        "monthly_total",
        ref(MONEY, "The estimate a month."),
        lambda p: money(p.quote.shown_monthly_total),
    ),
    Field(
        "upfront_total", ref(MONEY, "One-off costs."), lambda p: money(p.quote.shown_upfront_total)
    ),
    Field(
        "first_12_months_total",
        ref(MONEY, "upfront_total + 12 × monthly_total."),
        lambda p: money(p.quote.shown_first_12_months_total),
    ),
    Field(
        "items",
        array(ref(QUOTE_ITEM), "The cards, in the order they were sent."),
        lambda p: [QUOTE_ITEM.write(item_quote) for item_quote in p.items()],
    ),
    Field(
        "terms",
        ref(TERMS, "With terms: the terms, as given."),
        lambda p: OMIT if p.net is None else TERMS.write(_terms.terms_as_json(p.net.terms)),
        optional=True,
    ),
    Field(
        "net",
        ref(NET, "With terms: what the organisation pays, beside the list figures above."),
        lambda p: OMIT if p.net is None else NET.write(ShownNet(p.net, _terms.shown(p.net))),
        optional=True,
    ),
    Field(
        "warnings",
        array(
            ref("Error"),
            "Inputs far outside what any organisation uses, priced all the same: over "
            f"${pricing.OUTSIZE_MONTHLY:,} a month on one input's lines of an item, or growth "
            f"that multiplies usage over {projection.OUTSIZE_GROWTH_FACTOR}× by the last month. "
            "Each names its item and field and the figure it implies, as the editor's note "
            "beside the field does. Left out when there are none.",
        ),
        _warnings,
        optional=True,
    ),
)
QUOTE = answer(
    "Quote",
    "An estimate, priced.",
    *QUOTE_FIELDS,
    Field(
        "projection",
        ref(PROJECTION, "Only when the body asked for one."),
        _asked_projection,
        optional=True,
    ),
)


def _estimate_id(p: SavedPriced) -> str:
    return str(p.estimate.public_id)


ESTIMATE = answer(
    "Estimate",
    "A saved estimate, priced with the book it was saved with.",
    Field("id", text("The estimate's id.", format="uuid", pattern=UUID_PATTERN), _estimate_id),
    Field("name", text("Its name."), lambda p: p.estimate.name),
    Field(
        "description",
        text("Its description, or an empty string."),
        lambda p: p.estimate.description,
    ),
    Field(
        "created_at",
        text("When it was saved.", format="date-time"),
        lambda p: p.estimate.created_at.isoformat(),
    ),
    Field(
        "copied_from",
        {
            "type": ["string", "null"],
            "format": "uuid",
            "pattern": UUID_PATTERN,
            "description": "The id of the estimate it copies, or null.",
        },
        lambda p: str(p.estimate.copied_from.public_id) if p.estimate.copied_from else None,
    ),
    *QUOTE_FIELDS,
).but(
    "Estimate",
    "A saved estimate, priced with the book it was saved with.",
    Field(
        "price_book",
        ref(PRICE_BOOK, "The book it was saved with; its figures never move."),
        lambda p: PRICE_BOOK.write(p.catalog),
    ),
    Field(
        "items",
        array(ref(SAVED_ITEM), "Its cards, in the order they were saved."),
        lambda p: [
            SAVED_ITEM.write(SavedItemQuote(item_quote, usage))
            for item_quote, usage in zip(p.items(), p.usages, strict=True)
        ],
    ),
    Field(
        "terms_name",
        text("With named terms: their name when it was saved."),
        lambda p: p.estimate.terms_name or OMIT,
        optional=True,
    ),
    Field(
        "projection",
        ref(
            PROJECTION,
            "Its saved projection, always there: 12 months with no growth unless it was saved "
            "with another.",
        ),
        lambda p: PROJECTION.write(p.projection),
    ),
    Field(
        "unpriced",
        array(
            ref("Unpriced"),
            "When it was saved from an import that left resources unpriced: those resources, "
            "which its totals leave out.",
        ),
        lambda p: [UNPRICED.write(u) for u in p.estimate.unpriced_resources] or OMIT,
        optional=True,
    ),
)
SAVED = answer(
    "Saved",
    "The saved estimate's links, which never change.",
    Field(
        "id", text("The new estimate's id.", format="uuid", pattern=UUID_PATTERN), lambda s: s.id
    ),
    Field("url", text("Its page, which never changes.", format="uri"), lambda s: s.url),
    Field("csv_url", text("Its CSV download.", format="uri"), lambda s: s.csv_url),
    Field(
        "json_url",
        text("Its JSON, at GET /api/v1/estimates/{id}.", format="uri"),
        lambda s: s.json_url,
    ),
    Field(
        "projection",
        ref(PROJECTION, "Only when the body asked for one."),
        lambda s: OMIT if s.projection is None else PROJECTION.write(s.projection),
        optional=True,
    ),
)

COMPARED_ESTIMATE = answer(
    "ComparedEstimate",
    "One side of a comparison, priced with its own book.",
    Field(
        "id",
        text("The estimate's id.", format="uuid", pattern=UUID_PATTERN),
        lambda s: str(s.estimate.public_id),
    ),
    Field("name", text("Its name."), lambda s: s.estimate.name),
    Field(
        "price_book",
        ref(PRICE_BOOK, "The book it was saved with."),
        lambda s: PRICE_BOOK.write(s.estimate.price_book.catalog()),
    ),
    Field(
        "free_tier",
        {"type": "boolean", "description": "Whether free allowances apply."},
        lambda s: s.quote.free_tier,
    ),
    Field(
        "monthly_total",
        ref(MONEY, "Its estimate a month."),
        lambda s: money(s.quote.shown_monthly_total),
    ),
    Field(
        "upfront_total",
        ref(MONEY, "Its one-off costs."),
        lambda s: money(s.quote.shown_upfront_total),
    ),
    Field(
        "first_12_months_total",
        ref(MONEY, "upfront_total + 12 × monthly_total."),
        lambda s: money(s.quote.shown_first_12_months_total),
    ),
)
EFFECTS = answer(
    "Effects",
    "One cause's part of a change between two estimates.",
    Field("monthly", ref(MONEY, "The part of the monthly change."), lambda e: money(e.monthly)),
    Field("upfront", ref(MONEY, "The part of the one-off change."), lambda e: money(e.upfront)),
    Field(
        "first_12_months",
        ref(MONEY, "upfront + 12 × monthly."),
        lambda e: money(e.first_12_months),
    ),
)
COMPARED_LINE = answer(
    "ComparedLine",
    "A line that differs between A and B. Lines are matched by service, Region, group and "
    "usage key; lines of one estimate with the same key are summed first.",
    Field("service", text("The service code."), lambda line: line.service),
    Field("service_name", text("The service's name."), lambda line: line.service_name),
    Field("region", text("The card's first Region."), lambda line: line.region),
    Field("group", text("The card's group, or an empty string."), lambda line: line.group),
    Field("usage_key", text("The line's usage key."), lambda line: line.usage_key),
    Field("label", text("What the line is."), lambda line: line.label),
    Field(
        "status",
        {
            "enum": [compare.ADDED, compare.REMOVED, compare.CHANGED],
            "description": "added: only B has it; removed: only A has it; changed: both.",
        },
        lambda line: line.status,
    ),
    Field(
        "a_monthly",
        ref(MONEY, "A's cost a month (0.00 when A has no such line)."),
        lambda line: money(line.a_shown_monthly),
    ),
    Field(
        "b_monthly",
        ref(MONEY, "B's cost a month (0.00 when B has no such line)."),
        lambda line: money(line.b_shown_monthly),
    ),
    Field("delta", ref(MONEY, "b_monthly − a_monthly."), lambda line: money(line.shown_delta)),
    Field(
        "percent",
        nullable(PERCENT, "delta in percent of a_monthly; null when a_monthly is zero."),
        lambda line: pricing.percent_amount(line.percent),
    ),
    Field("a_upfront", ref(MONEY, "A's one-off cost."), lambda line: money(line.a_shown_upfront)),
    Field("b_upfront", ref(MONEY, "B's one-off cost."), lambda line: money(line.b_shown_upfront)),
    Field(
        "upfront_delta",
        ref(MONEY, "b_upfront − a_upfront."),
        lambda line: money(line.shown_upfront_delta),
    ),
    Field(
        "price_effect",
        nullable(
            ref(MONEY),
            "The monthly change due to B's book pricing A's usage differently; null unless "
            "the books differ and A's usage could be priced with B's book.",
        ),
        lambda line: _optional_money(line.shown_price_effect),
    ),
    Field(
        "usage_effect",
        nullable(
            ref(MONEY),
            "The monthly change due to B's usage, at B's prices; null as price_effect is.",
        ),
        lambda line: _optional_money(line.shown_usage_effect),
    ),
)
ERROR = Shape(
    "Error",
    "",
    (
        Field(
            "item",
            {
                "type": ["integer", "null"],
                "minimum": 0,
                "description": "The index of the item at fault in items, or null.",
            },
            lambda e: e.item,
        ),
        Field(
            "field",
            text(
                "The field at fault: a body field (projection.months for one inside an object), "
                "an item field or a usage key."
            ),
            lambda e: e.field,
        ),
        Field("message", text("What is wrong, in words a person can act on."), lambda e: e.message),
    ),
)
ERRORS = Shape(
    "Errors",
    "The body of every 4xx and 5xx answer of the API.",
    (
        Field(
            "errors",
            array(ref(ERROR), "Every problem found, together.", minItems=1),
            lambda errors: [ERROR.write(e) for e in errors],
        ),
    ),
)


def _effects(effects: compare.Effects | None) -> dict | None:
    return None if effects is None else EFFECTS.write(effects)


NET_SIDE = answer(
    "NetSide",
    "One estimate's net month.",
    Field("currency", text("ISO 4217."), lambda n: n.currency),
    Field("monthly_total", ref(NET_MONEY, "Month 1, net."), lambda n: money(n.monthly_total())),
)
NET_COMPARISON = answer(
    "NetComparison",
    "Two estimates' net figures: terms_effect + usage_effect = monthly_delta.",
    Field("a", ref(NET_SIDE), lambda n: NET_SIDE.write(n.a)),
    Field("b", ref(NET_SIDE), lambda n: NET_SIDE.write(n.b)),
    Field(
        "monthly_delta",
        nullable(ref(NET_MONEY), "B − A, net; null when they are in different currencies."),
        lambda n: _optional_money(n.monthly_delta),
    ),
    Field(
        "terms_effect",
        nullable(
            ref(NET_MONEY),
            "What the terms changed: A's usage under B's terms − A; null across currencies or "
            "when B's terms name what A's book lacks.",
        ),
        lambda n: _optional_money(n.terms_effect),
    ),
    Field(
        "usage_effect",
        nullable(
            ref(NET_MONEY),
            "What the usage (and prices) changed: B − A's usage under B's terms, in B's "
            "currency; null when B's terms name what A's book lacks.",
        ),
        lambda n: _optional_money(n.usage_effect),
    ),
    Field("no_split_because", text('Why a figure is null, or "".'), lambda n: n.no_split_because),
)
NAMED_TERMS = answer(
    "NamedTerms",
    "Named terms. An estimate saved with them keeps its own copy.",
    Field(
        "id",
        text("Their id: terms_id in a quote or save body.", format="uuid", pattern=UUID_PATTERN),
        lambda n: str(n.public_id),
    ),
    Field("name", text("Their name."), lambda n: n.name),
    Field("terms", ref(TERMS, "The terms as they are now."), lambda n: TERMS.write(n.terms)),
    Field(
        "created_at",
        text("When they were saved.", format="date-time"),
        lambda n: n.created_at.isoformat(),
    ),
    Field(
        "updated_at",
        text("When they last changed.", format="date-time"),
        lambda n: n.updated_at.isoformat(),
    ),
)
PROJECTION_COMPARISON = answer(
    "ProjectionComparison",
    "Both saved projections and, when they look as many months ahead, B's total − A's. Over "
    "different horizons delta is null: the totals are side by side, not compared.",
    Field("a", ref(PROJECTION, "Estimate A's saved projection."), lambda p: PROJECTION.write(p.a)),
    Field("b", ref(PROJECTION, "Estimate B's saved projection."), lambda p: PROJECTION.write(p.b)),
    Field(
        "same_months",
        {"type": "boolean", "description": "Whether both look as many months ahead."},
        lambda p: p.same_months,
    ),
    Field(
        "delta",
        nullable(ref(MONEY), "B's total − A's, as shown; null over different horizons."),
        lambda p: _optional_money(p.delta),
    ),
)
COMPARISON = answer(
    "Comparison",
    "Estimate A against estimate B: both totals, the changes (B − A, exact before "
    "rounding), and every line that differs.",
    Field(
        "currency",
        {"const": pricing.CURRENCY, "description": "Every amount is in this."},
        lambda c: pricing.CURRENCY,
    ),
    Field(
        "a",
        ref(COMPARED_ESTIMATE, "Estimate A, the one compared from."),
        lambda c: COMPARED_ESTIMATE.write(ComparedSide(c.a, c.comparison.a)),
    ),
    Field(
        "b",
        ref(COMPARED_ESTIMATE, "Estimate B, the one compared to."),
        lambda c: COMPARED_ESTIMATE.write(ComparedSide(c.b, c.comparison.b)),
    ),
    Field(
        "monthly_delta",
        ref(MONEY, "B's monthly_total − A's."),
        lambda c: money(c.comparison.shown_monthly_delta),
    ),
    Field(
        "upfront_delta",
        ref(MONEY, "B's upfront_total − A's."),
        lambda c: money(c.comparison.shown_upfront_delta),
    ),
    Field(
        "first_12_months_delta",
        ref(MONEY, "B's first_12_months_total − A's."),
        lambda c: money(c.comparison.shown_first_12_months_delta),
    ),
    Field(
        "monthly_percent",
        nullable(PERCENT, "monthly_delta in percent of A's monthly_total; null when that is zero."),
        lambda c: pricing.percent_amount(c.comparison.monthly_percent),
    ),
    Field(
        "same_price_book",
        {
            "type": "boolean",
            "description": "Whether A and B were saved with the same price book.",
        },
        lambda c: c.comparison.same_price_book,
    ),
    Field(
        "price_effect",
        nullable(
            ref(EFFECTS),
            "With different books: A's usage at B's prices − A. Null with the same book, "
            "or when A's usage cannot be priced with B's book (see split_errors).",
        ),
        lambda c: _effects(c.comparison.shown_price_effect),
    ),
    Field(
        "usage_effect",
        nullable(
            ref(EFFECTS),
            "With different books: B − A's usage at B's prices; with price_effect it adds "
            "up to the change. Null as price_effect is.",
        ),
        lambda c: _effects(c.comparison.shown_usage_effect),
    ),
    Field(
        "split_errors",
        array(
            ref(ERROR),
            "Why A's usage cannot be priced with B's book (item is A's card), or none.",
        ),
        lambda c: [ERROR.write(e) for e in c.comparison.split_errors],
    ),
    Field(
        "lines",
        array(
            ref(COMPARED_LINE),
            "Every line that differs, the biggest monthly change first, then the biggest "
            "one-off change.",
        ),
        lambda c: [COMPARED_LINE.write(line) for line in c.comparison.lines],
    ),
    Field(
        "unchanged_lines",
        {
            "type": "integer",
            "minimum": 0,
            "description": "How many lines are the same in both, left out of lines.",
        },
        lambda c: len(c.comparison.unchanged),
    ),
    Field(
        "projections",
        ref(PROJECTION_COMPARISON, "The two saved projections, compared."),
        lambda c: PROJECTION_COMPARISON.write(c.projections),
    ),
    Field(
        "net",
        ref(NET_COMPARISON, "When either estimate has terms: their net figures."),
        lambda c: OMIT if c.net is None else NET_COMPARISON.write(c.net),
        optional=True,
    ),
)

IMPORTED_ITEM = answer(
    "ImportedItem",
    "A card from the plan, in a quote body item's shape.",
    Field("service", text("The service code."), lambda i: i.service),
    Field("region", text("The Region of the resources."), lambda i: i.region),
    Field("accounts", {"type": "integer", "minimum": 1}, lambda i: i.accounts),
    Field(
        "group",
        text('The module the resources are in ("" for the root module).'),
        lambda i: i.group,
    ),
    Field("notes", NOTES, lambda i: i.notes),
    Field(
        "usage",
        {
            "type": "object",
            "additionalProperties": ref(QUANTITY),
            "description": "The quantities the plan counts, plus those the usage file gives.",
        },
        lambda i: {key: quantity(value) for key, value in i.usage.items()},
    ),
)
NEEDS_USAGE = answer(
    "NeedsUsage",
    "",
    Field("address", text("The resource's address in the plan."), lambda n: n.address),
    Field("service", text("The service code of the card it is counted in."), lambda n: n.service),
    Field(
        "usage_key",
        text("The usage key to give, in the usage file or the editor."),
        lambda n: n.usage_key,
    ),
    Field("hint", text("What to count."), lambda n: n.label_hint),
)
UNPRICED = answer(
    "Unpriced",
    "",
    Field("address", text("The resource's address in the plan."), lambda u: u.address),
    Field("type", text("Its resource type."), lambda u: u.type),
    Field(
        "usage_key",
        {
            "type": ["string", "null"],
            "description": "The usage key left out, or null when the whole resource is.",
        },
        lambda u: u.usage_key or None,
    ),
    Field("reason", text("Why it is not priced."), lambda u: u.reason),
)
IMPORT_RESULT = answer(
    "ImportResult",
    "",
    Field(
        "items",
        array(ref(IMPORTED_ITEM), 'Post {"items": …} as it is to /api/v1/estimates to save.'),
        lambda r: [IMPORTED_ITEM.write(item) for item in r.result.items],
    ),
    Field(
        "needs_usage",
        array(ref(NEEDS_USAGE), "Usage the plan cannot know, priced as 0."),
        lambda r: [NEEDS_USAGE.write(need) for need in r.result.needs_usage],
    ),
    Field(
        "unpriced",
        array(ref(UNPRICED), "Resources and usage keys left out, and why."),
        lambda r: [UNPRICED.write(entry) for entry in r.result.unpriced],
    ),
    Field(
        "warnings",
        array({"type": "string"}, "Assumptions made, for a person to check."),
        lambda r: list(r.result.warnings),
    ),
    Field(
        "quote",
        ref(QUOTE, "The items priced with the current book, free tier on."),
        lambda r: QUOTE.write(Priced(r.catalog, r.quote, notes=_notes(r.result.items))),
    ),
)

# ---------------------------------------------------------------------------------------------
# A bill's import (POST /api/v1/import/billing)


@dataclass(frozen=True)
class BillImported:
    catalog: pricing.Catalog
    imported: billing.BillingImport


def _exact(value: Decimal | None) -> str | None:
    return None if value is None else quantity(value)


BILL_DECIMAL = Scalar(
    "BillDecimal",
    text(
        "An exact decimal as a string, as the bill gives it: money too, not rounded to cents "
        "(a bill's lines carry up to 10 decimals).",
        pattern=r"^-?[0-9]+(\.[0-9]+)?$",
        examples=["0.2305555574", "-5"],
    ),
)


def _bill(description: str) -> dict:
    return ref(BILL_DECIMAL, description)


def _bill_or_null(description: str) -> dict:
    return nullable(ref(BILL_DECIMAL), description)


ROWS = {"type": "integer", "minimum": 0, "description": "Line items of the file."}
BILL_NEEDS_USAGE = answer(
    "BillNeedsUsage",
    "An input of a card that no usage type of the book maps to: the bill cannot show it.",
    Field("card", text("The card, e.g. kms in us-east-1."), lambda n: n.address),
    Field("service", text("The service code."), lambda n: n.service),
    Field("usage_key", text("The usage key, left at 0."), lambda n: n.usage_key),
    Field("hint", text("Why."), lambda n: n.label_hint),
)
RECONCILIATION_LINE = answer(
    "ReconciliationLine",
    "A service's usage type in a Region: the bill's figures beside costcalc's.",
    Field("service", text("The service code."), lambda ln: ln.service),
    Field(
        "usage_type", text("The usage type, without its Region prefix."), lambda ln: ln.usage_type
    ),
    Field("region", text("The Region."), lambda ln: ln.region),
    Field(
        "quantity", _bill("The period's usage, in the bill's unit."), lambda ln: _exact(ln.quantity)
    ),
    Field("unit", text("The bill's unit (pricing_unit, ConsumedUnit)."), lambda ln: ln.unit),
    Field(
        "billed_cost",
        _bill("What AWS charged: unblended cost, BilledCost."),
        lambda ln: _exact(ln.billed_cost),
    ),
    Field(
        "list_cost",
        _bill_or_null("Public on-demand cost or ListCost; null when the file has none."),
        lambda ln: _exact(ln.list_cost),
    ),
    Field(
        "costcalc_monthly",
        _bill("What costcalc prices this usage at, exactly."),
        lambda ln: _exact(ln.costcalc_monthly),
    ),
    Field(
        "variance",
        _bill_or_null("costcalc_monthly − list_cost; null without a list cost."),
        lambda ln: _exact(ln.variance),
    ),
    Field(
        "flagged",
        {"type": "boolean", "description": "The variance is above 1% of the list cost."},
        lambda ln: ln.flagged,
    ),
    Field(
        "reason",
        {"type": ["string", "null"], "description": "The likely reason of a flagged variance."},
        lambda ln: ln.reason or None,
    ),
    Field("rows", ROWS, lambda ln: ln.rows),
)
UNMAPPED_LINE = answer(
    "UnmappedLine",
    "Usage of a security service that no rate prices: listed, never dropped.",
    Field("product_code", text("The product code."), lambda u: u.product_code),
    Field("usage_type", text("The usage type as the bill writes it."), lambda u: u.usage_type),
    Field("region", text("The Region."), lambda u: u.region),
    Field("quantity", _bill("The usage, in the bill's unit."), lambda u: _exact(u.quantity)),
    Field("unit", text("The bill's unit."), lambda u: u.unit),
    Field("rows", ROWS, lambda u: u.rows),
    Field("billed_cost", _bill("What AWS charged."), lambda u: _exact(u.billed_cost)),
    Field(
        "list_cost", _bill_or_null("null when the file has none."), lambda u: _exact(u.list_cost)
    ),
    Field("reason", text("Why no card prices it."), lambda u: u.reason),
)
ADJUSTMENT = answer(
    "Adjustment",
    "A security service's lines that are not usage: tax, credits, refunds, discounts, fees, "
    "Savings Plan lines, corrections.",
    Field(
        "line_item_type",
        text("CUR's line-item type or FOCUS's ChargeCategory."),
        lambda a: a.line_item_type,
    ),
    Field("product_code", text("The product it belongs to."), lambda a: a.product_code),
    Field("rows", ROWS, lambda a: a.rows),
    Field("billed_cost", _bill("What AWS charged."), lambda a: _exact(a.billed_cost)),
)
OTHER_SERVICES = answer(
    "OtherServices",
    "Every line of the other services (EC2, S3…), in one total.",
    Field("rows", ROWS, lambda o: o.rows),
    Field("billed_cost", _bill("What AWS charged."), lambda o: _exact(o.billed_cost)),
    Field("list_cost", _bill_or_null("null when a line has none."), lambda o: _exact(o.list_cost)),
    Field(
        "product_codes",
        array({"type": "string"}, "Their product codes."),
        lambda o: list(o.product_codes),
    ),
)
BILL_TOTALS = answer(
    "BillTotals",
    "The reconciliation's totals; bill = billed + adjustments + unmapped + other_services.",
    Field("billed", _bill("The lines' billed cost."), lambda t: _exact(t.billed)),
    Field("list", _bill_or_null("The lines' list cost."), lambda t: _exact(t.list)),
    Field("costcalc", _bill("The quote's monthly total, exactly."), lambda t: _exact(t.costcalc)),
    Field("adjustments", _bill("The adjustments."), lambda t: _exact(t.adjustments)),
    Field("unmapped", _bill("The unmapped usage."), lambda t: _exact(t.unmapped)),
    Field("other_services", _bill("The other services."), lambda t: _exact(t.other_services)),
    Field("bill", _bill("Every line of the period."), lambda t: _exact(t.bill)),
)
RECONCILIATION = answer(
    "Reconciliation",
    "The bill line by line beside costcalc's figures.",
    Field(
        "lines",
        array(ref(RECONCILIATION_LINE), "Each priced usage type and Region."),
        lambda r: [RECONCILIATION_LINE.write(line) for line in r.lines],
    ),
    Field(
        "unmapped",
        array(ref(UNMAPPED_LINE), "Usage no rate prices."),
        lambda r: [UNMAPPED_LINE.write(line) for line in r.unmapped],
    ),
    Field(
        "adjustments",
        array(ref(ADJUSTMENT), "Lines that are not usage."),
        lambda r: [ADJUSTMENT.write(entry) for entry in r.adjustments],
    ),
    Field("other_services", ref(OTHER_SERVICES), lambda r: OTHER_SERVICES.write(r.other_services)),
    Field("totals", ref(BILL_TOTALS), lambda r: BILL_TOTALS.write(r.totals)),
)
# How to read a bill: query parameters beside a body that is the file, or fields beside the
# multipart field file; the importer checks both with the same rules (billing.check_period,
# billing.GROUP_BY), and openapi.py makes the operation's parameters and form from this.
BILLING_OPTIONS = Shape(
    "BillingOptions",
    "How to read the bill.",
    (
        Field(
            "billing_period",
            text(
                "YYYY-MM; the latest period of the file by default.",
                pattern=billing_mapping.PERIOD.pattern,
            ),
            required=False,
        ),
        Field(
            "group_by",
            {
                "type": "string",
                "enum": list(billing.GROUP_BY),
                "default": billing.BY_SERVICE,
                "description": "service (a card per service and Region, the default) or "
                "account (a card per account and Region).",
            },
            required=False,
        ),
        Field(
            "price_book",
            {
                "type": "integer",
                "description": "A published book's id; the current book by default.",
            },
            required=False,
        ),
    ),
    closed=False,
)

BILLING_IMPORT = answer(
    "BillingImport",
    "A billing export's period as cards, their quote and the reconciliation with the bill.",
    Field(
        "format",
        text(
            "The export's format, from its header: cur2, cur (legacy), focus, or aggregate "
            "(the output of aggregate.sql).",
            enum=[billing.CUR2, billing.CUR, billing.FOCUS, billing.AGGREGATE],
        ),
        lambda b: b.imported.format,
    ),
    Field(
        "billing_period",
        text("The period priced, YYYY-MM.", pattern=r"^[0-9]{4}-[0-9]{2}$"),
        lambda b: b.imported.billing_period,
    ),
    Field(
        "billing_periods",
        array({"type": "string"}, "Every period the file has."),
        lambda b: list(b.imported.periods),
    ),
    Field(
        "group_by",
        text(
            "One card per service and Region, or per account and Region.",
            enum=list(billing.GROUP_BY),
        ),
        lambda b: b.imported.group_by,
    ),
    Field(
        "items",
        array(ref(IMPORTED_ITEM), 'Post {"items": …} as it is to /api/v1/estimates to save.'),
        lambda b: [IMPORTED_ITEM.write(item) for item in b.imported.result.items],
    ),
    Field(
        "item_notes",
        array({"type": "string"}, "Per item, in the same order: its notes (its account ids)."),
        lambda b: [item.notes for item in b.imported.result.items],
    ),
    Field(
        "needs_usage",
        array(ref(BILL_NEEDS_USAGE), "Inputs of the cards the bill cannot show: left at 0."),
        lambda b: [BILL_NEEDS_USAGE.write(need) for need in b.imported.result.needs_usage],
    ),
    Field(
        "warnings",
        array({"type": "string"}, "Assumptions made, for a person to check."),
        lambda b: list(b.imported.result.warnings),
    ),
    Field(
        "quote",
        ref(QUOTE, "The items priced with the book, free tier on."),
        lambda b: QUOTE.write(
            Priced(b.catalog, b.imported.quote, notes=_notes(b.imported.result.items))
        ),
    ),
    Field(
        "reconciliation",
        ref(RECONCILIATION),
        lambda b: RECONCILIATION.write(b.imported.reconciliation),
    ),
)

# The document's components, in its order: values, the catalog, bodies, answers, errors, import.
COMPONENTS = (
    MONEY,
    QUANTITY,
    UNIT_PRICE,
    QUANTITY_INPUT,
    SWITCH_INPUT,
    NET_MONEY,
    PERCENT_INPUT,
    RATE_OVERRIDE_BODY,
    CURRENCY_BODY,
    TERMS_BODY,
    NAMED_TERMS_BODY,
    TERMS,
    NET,
    NET_SIDE,
    NET_COMPARISON,
    NAMED_TERMS,
    PRICE_BOOK,
    REGION,
    USAGE_INPUT,
    SERVICE,
    CATALOG,
    QUOTE_ITEM_BODY,
    PROJECTION_BODY,
    QUOTE_BODY,
    SAVE_BODY,
    LINE,
    QUOTE_ITEM,
    QUOTE,
    SAVED_ITEM,
    ESTIMATE,
    SAVED,
    PROJECTION,
    COMMITMENT,
    OVER_LIMIT,
    COMPARED_ESTIMATE,
    EFFECTS,
    COMPARED_LINE,
    PROJECTION_COMPARISON,
    COMPARISON,
    ERROR,
    ERRORS,
    TERRAFORM_PLAN,
    USAGE_FILE,
    IMPORT_BODY,
    IMPORTED_ITEM,
    NEEDS_USAGE,
    UNPRICED,
    IMPORT_RESULT,
    BILL_DECIMAL,
    BILL_NEEDS_USAGE,
    RECONCILIATION_LINE,
    UNMAPPED_LINE,
    ADJUSTMENT,
    OTHER_SERVICES,
    BILL_TOTALS,
    RECONCILIATION,
    BILLING_IMPORT,
)
# As the document has them; the checks resolve their $refs here.
SCHEMA_COMPONENTS = register(COMPONENTS)
