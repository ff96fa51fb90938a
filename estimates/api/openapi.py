"""The API's OpenAPI 3.1 document, written by hand, and the reference page built from it.

Why by hand rather than a framework (django-ninja, DRF and drf-spectacular): the API is seven
endpoints (the catalog, a quote, saving an estimate, reading one, comparing two, a Terraform
import, and this document) whose JSON shapes already live in one module (payloads.py), where
money is a string with two decimals and every number is read as an exact Decimal. A schema
generator would want the shapes declared again as its own classes, and its default for a decimal
is a JSON number, which a client reads as a float. Here the document states the shapes as they
are written (`Money` is a string with the pattern ^-?[0-9]+\\.[0-9]{2}$), and the tests keep it
honest: the document is checked against the OpenAPI 3.1 schema, its examples against their
schemas and against the live API, and every JSON answer the test suite receives from /api/v1/ is
validated against the response it documents. An answer's objects list every property they have
(additionalProperties is false), so a field added to payloads.py fails the tests until it is
described here.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

from estimates import pricing
from estimates.importers import terraform
from estimates.pricing import compare, projection

MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
QUANTITY_PATTERN = r"^[0-9]+(\.[0-9]+)?$"
UNIT_PRICE_PATTERN = r"^[0-9]+\.[0-9]{2,}$"
# A line's share of its pool's cost, 0 to 1, shown to payloads.SHARE_SHOWN (6 decimals).
SHARE_PATTERN = r"^(0(\.[0-9]{1,6})?|1)$"
GROWTH_PATTERN = rf"^-?[0-9]+(\.[0-9]{{1,{projection.GROWTH_PLACES}}})?$"
SCHEMAS = "#/components/schemas/"


def ref(name: str, description: str = "") -> dict:
    schema = {"$ref": SCHEMAS + name}
    return {**schema, "description": description} if description else schema


def text(description: str, **extra) -> dict:
    return {"type": "string", "description": description, **extra}


def obj(properties: dict, required: tuple[str, ...] = (), **extra) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return {**schema, **extra}


def array(items: dict, description: str = "", **extra) -> dict:
    schema = {"type": "array", "items": items}
    return {**schema, "description": description, **extra} if description else {**schema, **extra}


def nullable(schema: dict, description: str) -> dict:
    """A schema or null, e.g. a percentage that has no value when A is zero."""
    return {"oneOf": [schema, {"type": "null"}], "description": description}


# ---------------------------------------------------------------------------------------------
# Shapes


def answer_shape(properties: dict, description: str = "", optional: tuple[str, ...] = ()) -> dict:
    """An object the API writes: every property but the optional ones always there, no other."""
    required = tuple(name for name in properties if name not in optional)
    extra = {"description": description} if description else {}
    return obj(properties, required, additionalProperties=False, **extra)


QUOTE_ITEM_BODY = obj(
    {
        "service": text('A service code from /api/v1/services, e.g. "kms".', minLength=1),
        "region": text(
            f"The card's Region ({pricing.DEFAULT_REGION} when neither region nor regions is "
            "given). Give region or regions, not both."
        ),
        "regions": array(
            {"type": "string"},
            "Every Region the card's usage runs in, each once. Give region or regions, not both.",
            minItems=1,
            uniqueItems=True,
        ),
        "accounts": {
            "type": "integer",
            "minimum": 1,
            "maximum": pricing.MAX_ACCOUNTS,
            "default": 1,
            "description": "The usage runs in each of this many accounts, in each Region.",
        },
        "group": {
            "type": ["string", "null"],
            "maxLength": 100,
            "description": (
                'A label that groups cards: prod, staging, a team, a module (null is "").'
            ),
        },
        "usage": {
            "type": "object",
            "description": "Quantities by usage key (the service's inputs); a missing key is 0.",
            "additionalProperties": ref("QuantityInput"),
        },
    },
    ("service",),
    additionalProperties=False,
    # Given both, the body is a 400 on field regions.
    **{"not": {"required": ["region", "regions"]}},
    description=(
        "One card: a service's usage per account and per Region. An unknown field is an error."
    ),
)

PROJECTION_BODY = obj(
    {
        "months": {
            "enum": [*projection.MONTH_CHOICES, *map(str, projection.MONTH_CHOICES), None],
            "default": projection.DEFAULT_MONTHS,
            "description": (
                'How many months to project: 12, 24 or 36 (a string such as "36" is read the '
                "same; null or absent is 12)."
            ),
        },
        "monthly_growth_percent": {
            "type": ["number", "string", "null"],
            "minimum": int(projection.MIN_GROWTH),
            "maximum": int(projection.MAX_GROWTH),
            "default": 0,
            "description": (
                "How much every usage quantity grows a month, in percent, compounding: a number "
                '(read as an exact decimal) or a string such as "2.5", "-1" or "2.5%"; from '
                f"−100 to 1,000 with at most {projection.GROWTH_PLACES} decimal places. Null or "
                "absent is 0."
            ),
            "examples": ["2.5", -1],
        },
    },
    description=(
        "How the estimate grows over the months. Other properties are ignored. Months or a "
        "growth the API cannot use is a 400 on field projection.months or "
        "projection.monthly_growth_percent, as is a growth that would take a quantity past "
        "what the engine takes."
    ),
)

QUOTE_BODY_PROPERTIES = {
    "free_tier": {
        "type": "boolean",
        "default": True,
        "description": "Apply free allowances that never expire. Trials are never applied.",
    },
    "items": array(
        ref("QuoteItemBody"),
        f"At most {pricing.MAX_ITEMS} cards.",
        maxItems=pricing.MAX_ITEMS,
        default=[],
    ),
    "price_book": {
        "type": ["integer", "null"],
        "minimum": 1,
        "description": (
            "The id of a published price book to price with instead of the current one (null "
            "or absent: the current book). A draft or unknown id is a 400 on field price_book."
        ),
    },
    "projection": {
        "oneOf": [ref("ProjectionBody"), {"type": "null"}],
        "description": (
            "Project the estimate over 12, 24 or 36 months; the answer then has a projection. "
            "Null or absent: none asked for."
        ),
    },
}
SAVE_FIELDS = {
    "name": text(
        "The estimate's name, 1 to 200 characters (surrounding spaces are removed).",
        minLength=1,
        maxLength=200,
    ),
    "description": {
        "type": ["string", "null"],
        "maxLength": 2000,
        "description": 'An optional description, at most 2,000 characters (null is "").',
    },
    "copied_from": {
        "type": ["string", "null"],
        "format": "uuid",
        "description": "The id of the saved estimate this one is a copy of.",
    },
}

LINE = answer_shape(
    {
        "usage_key": text("The usage key (or rate code) this line prices."),
        "label": text("What the line is, for people."),
        "quantity": ref("Quantity", "The card's quantity of this line's unit."),
        "unit": text("The unit of quantity, e.g. requests."),
        "free_quantity": ref("Quantity", "Units of the quantity inside the free allowance."),
        "billable_quantity": ref("Quantity", "Units charged: quantity − free_quantity."),
        "unit_price": ref("UnitPrice", "The price of per_units units (of the first paid tier)."),
        "per_units": ref("Quantity", 'The units unit_price is for, e.g. "10000".'),
        "billing": {"enum": [pricing.MONTHLY, pricing.UPFRONT], "description": "When it is paid."},
        "monthly": ref("Money", "This line's cost a month."),
        "upfront": ref("Money", "This line's one-off cost."),
        "formula": text("The working, e.g. (2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94."),
        "source": text("Where the price comes from."),
        "grade": {
            "enum": ["A", "B", "C", "D", "E"],
            "description": "How sure the price is: A an AWS page … E not verified.",
        },
        "region": text("The Region this line is priced in: one of the card's regions."),
        "pooled_quantity": ref(
            "Quantity",
            "The quantity the tiers and free allowance were applied to: the quantities of every "
            "card pooled at this rate's pooling level, summed (one account's for account_region).",
        ),
        "share": text(
            "This card's part of the pooled quantity, and so of the pool's cost: from 0 to 1, to "
            "6 decimal places; 1 when the card is priced alone, 0 when the fee is waived.",
            pattern=SHARE_PATTERN,
            examples=["1", "0.5"],
        ),
        "pooling": {
            "enum": list(pricing.POOLING_LEVELS),
            "description": "Where AWS counts usage for this rate's tiers and free allowance: "
            + "; ".join(f"{level}, {words}" for level, words in pricing.POOLING_LEVELS.items())
            + ".",
        },
        "pooling_verified": {
            "type": "boolean",
            "description": "Whether AWS's word for the pooling level was found (it has a source).",
        },
        "waived": text(
            'Why the fee is $0 because another service covers it, or "" when it is not waived.'
        ),
    },
    "One cost line of a card, with the working.",
)

QUOTE_ITEM_PROPERTIES = {
    "service": text("The service code."),
    "service_name": text("The service's name."),
    "region": text("The card's first Region (its only one, usually)."),
    "regions": array({"type": "string"}, "Every Region of the card, in order.", minItems=1),
    "accounts": {
        "type": "integer",
        "minimum": 1,
        "maximum": pricing.MAX_ACCOUNTS,
        "description": "How many accounts the card's usage runs in, in each Region.",
    },
    "group": text("The card's group, or an empty string."),
    "monthly": ref("Money", "The card's cost a month."),
    "upfront": ref("Money", "The card's one-off cost."),
    "lines": array(
        ref("Line"), "The card's cost lines, Region by Region; none when its usage is all zero."
    ),
}

QUOTE_PROPERTIES = {
    "currency": {"const": pricing.CURRENCY, "description": "Every amount is in this currency."},
    "price_book": ref("PriceBook", "The price book the quote was priced with."),
    "free_tier": {"type": "boolean", "description": "Whether free allowances were applied."},
    "monthly_total": ref("Money", "The estimate a month."),
    "upfront_total": ref("Money", "One-off costs."),
    "first_12_months_total": ref("Money", "upfront_total + 12 × monthly_total."),
    "items": array(ref("QuoteItem"), "The cards, in the order they were sent."),
}

SCHEMA_COMPONENTS = {
    "Money": text(
        "Money in USD: a string with exactly two decimals, rounded half-up from the exact sum. "
        "Never a JSON number, so no client reads it as a float.",
        pattern=MONEY_PATTERN,
        examples=["15.94"],
    ),
    "Quantity": text(
        "An exact decimal as a string, without exponent or trailing zeros.",
        pattern=QUANTITY_PATTERN,
        examples=["2000000", "0.5"],
    ),
    "UnitPrice": text(
        "A unit price: an exact decimal string with at least two decimals.",
        pattern=UNIT_PRICE_PATTERN,
        examples=["0.03", "0.001", "3000.00"],
    ),
    "QuantityInput": {
        "type": ["number", "string"],
        "description": (
            "A quantity: a JSON number, read as an exact decimal (never a float), or a numeric "
            'string ("2,000,000" and "0.5" too). At most 10^15 and 10 decimal places; each '
            "input's bounds are in /api/v1/services."
        ),
        "examples": [2000000, "0.5"],
    },
    "PriceBook": answer_shape(
        {
            "id": {
                "type": "integer",
                "description": "The book's number, as a body's price_book names it.",
            },
            "name": text("The book's name."),
            "effective_date": text("The date its prices are from.", format="date"),
        },
        "A published price book.",
    ),
    "Region": answer_shape(
        {"code": text("e.g. us-east-1"), "name": text("e.g. US East (N. Virginia)")},
    ),
    "UsageInput": answer_shape(
        {
            "key": text("The usage key, as the quote body's usage names it."),
            "label": text("What to enter."),
            "unit": text("Its unit."),
            "help": text("More about it, or an empty string."),
            "min": ref("Quantity", "The smallest value allowed."),
            "max": ref("Quantity", "The largest value allowed."),
            "step": {"enum": ["1", "any"], "description": '"1" for whole numbers.'},
        },
        "One usage input of a service.",
    ),
    "Service": answer_shape(
        {
            "code": text("The service code, e.g. kms."),
            "name": text("The service's name."),
            "summary": text("One line about it."),
            "guidance": array({"type": "string"}, "What to know before choosing it."),
            "free_tier_note": text("Its free allowance, or an empty string."),
            "regions": array({"type": "string"}, "The Regions the book prices it in."),
            "inputs": array(ref("UsageInput"), "Its usage inputs, in the editor's order."),
        },
    ),
    "Catalog": answer_shape(
        {
            "currency": {"const": pricing.CURRENCY},
            "price_book": ref("PriceBook", "The current price book."),
            "regions": array(ref("Region"), "Every Region the book has prices for."),
            "services": array(ref("Service"), "Every service the book prices."),
        },
        "What the current price book prices.",
    ),
    "QuoteItemBody": QUOTE_ITEM_BODY,
    "ProjectionBody": PROJECTION_BODY,
    "QuoteBody": obj(
        {
            **QUOTE_BODY_PROPERTIES,
            **{
                name: {**schema, "description": "Accepted and ignored here, as in a save body."}
                for name, schema in SAVE_FIELDS.items()
            },
        },
        additionalProperties=False,
        description="An estimate to price. An unknown field is an error, not ignored.",
    ),
    "SaveBody": obj(
        {**QUOTE_BODY_PROPERTIES, **SAVE_FIELDS},
        ("name",),
        additionalProperties=False,
        description="An estimate to save: a quote body with a name.",
    ),
    "Line": LINE,
    "QuoteItem": answer_shape(QUOTE_ITEM_PROPERTIES, "A priced card."),
    "Quote": answer_shape(
        {
            **QUOTE_PROPERTIES,
            "projection": ref("Projection", "Only when the body asked for one."),
        },
        "An estimate, priced.",
        optional=("projection",),
    ),
    "SavedItem": answer_shape(
        {
            **QUOTE_ITEM_PROPERTIES,
            "usage": {
                "type": "object",
                "additionalProperties": ref("Quantity"),
                "description": "The card's usage as it was saved.",
            },
        },
        "A priced card of a saved estimate, with the usage it was saved with.",
    ),
    "Estimate": answer_shape(
        {
            "id": text("The estimate's id.", format="uuid"),
            "name": text("Its name."),
            "description": text("Its description, or an empty string."),
            "created_at": text("When it was saved.", format="date-time"),
            "copied_from": {
                "type": ["string", "null"],
                "format": "uuid",
                "description": "The id of the estimate it copies, or null.",
            },
            **QUOTE_PROPERTIES,
            "price_book": ref("PriceBook", "The book it was saved with; its figures never move."),
            "items": array(ref("SavedItem"), "Its cards, in the order they were saved."),
            "projection": ref(
                "Projection",
                "Its saved projection, always there: 12 months with no growth unless it was saved "
                "with another.",
            ),
        },
        "A saved estimate, priced with the book it was saved with.",
    ),
    "Saved": answer_shape(
        {
            "id": text("The new estimate's id.", format="uuid"),
            "url": text("Its page, which never changes.", format="uri"),
            "csv_url": text("Its CSV download.", format="uri"),
            "json_url": text("Its JSON, at GET /api/v1/estimates/{id}.", format="uri"),
            "projection": ref("Projection", "Only when the body asked for one."),
        },
        "The saved estimate's links, which never change.",
        optional=("projection",),
    ),
    "Projection": answer_shape(
        {
            "months": {"enum": list(projection.MONTH_CHOICES), "description": "How far it looks."},
            "monthly_growth_percent": text(
                "The monthly growth in percent, as an exact decimal string (e.g. 2.5 or -1).",
                pattern=GROWTH_PATTERN,
            ),
            "monthly_totals": array(
                ref("Money"),
                "Each month's total, month 1 first (its one-off costs included): months of them.",
                minItems=min(projection.MONTH_CHOICES),
                maxItems=max(projection.MONTH_CHOICES),
            ),
            "total": ref("Money", "Every month's total, summed exactly, then rounded."),
            "commitments": array(
                ref("Commitment"), "The lines that bind for a term from month 1, if any."
            ),
            "over_limits": array(
                ref("OverLimit"),
                "The inputs whose grown quantity passes their own bound, each once, if any.",
            ),
        },
        "The estimate month by month: month m prices each usage quantity × (1 + growth)^(m−1) "
        "through the engine, so free allowances and tiers apply to each month's own usage. "
        "Inputs that take whole units are rounded down each month; switches (0 or 1) do not "
        "grow; one-off costs count in month 1.",
    ),
    "Commitment": answer_shape(
        {
            "service": text("The service code."),
            "service_name": text("The service's name."),
            "region": text("The card's first Region."),
            "group": text("The card's group, or an empty string."),
            "usage_key": text("The line's usage key."),
            "label": text("What the line is."),
            "months": {"type": "integer", "minimum": 1, "description": "The term, in months."},
            "first_month": {"type": "integer", "minimum": 1, "description": "It binds from."},
            "last_month": {"type": "integer", "minimum": 1, "description": "It binds until."},
            "monthly": ref("Money", "The line's fee in month 1."),
            "committed_total": ref("Money", "months × monthly: what the term commits."),
        },
        "A line that binds for a term (Shield Advanced's one year) once its quantity is above "
        "zero, whatever the growth does to the usage.",
    ),
    "OverLimit": answer_shape(
        {
            "service": text("The service code."),
            "region": text("The card's first Region."),
            "group": text("The card's group, or an empty string."),
            "usage_key": text("The input's usage key."),
            "label": text("What the input is."),
            "max": ref("Quantity", "The input's own bound."),
            "month": {
                "type": "integer",
                "minimum": 2,
                "description": "The first month its grown quantity passes max.",
            },
            "quantity": ref("Quantity", "Its grown quantity in that month, priced as it is."),
        },
        "An input whose grown quantity passes its own bound: priced as grown, never clamped.",
    ),
    "ComparedEstimate": answer_shape(
        {
            "id": text("The estimate's id.", format="uuid"),
            "name": text("Its name."),
            "price_book": ref("PriceBook", "The book it was saved with."),
            "free_tier": {"type": "boolean", "description": "Whether free allowances apply."},
            "monthly_total": ref("Money", "Its estimate a month."),
            "upfront_total": ref("Money", "Its one-off costs."),
            "first_12_months_total": ref("Money", "upfront_total + 12 × monthly_total."),
        },
        "One side of a comparison, priced with its own book.",
    ),
    "Effects": answer_shape(
        {
            "monthly": ref("Money", "The part of the monthly change."),
            "upfront": ref("Money", "The part of the one-off change."),
            "first_12_months": ref("Money", "upfront + 12 × monthly."),
        },
        "One cause's part of a change between two estimates.",
    ),
    "ComparedLine": answer_shape(
        {
            "service": text("The service code."),
            "service_name": text("The service's name."),
            "region": text("The card's first Region."),
            "group": text("The card's group, or an empty string."),
            "usage_key": text("The line's usage key."),
            "label": text("What the line is."),
            "status": {
                "enum": [compare.ADDED, compare.REMOVED, compare.CHANGED],
                "description": "added: only B has it; removed: only A has it; changed: both.",
            },
            "a_monthly": ref("Money", "A's cost a month (0.00 when A has no such line)."),
            "b_monthly": ref("Money", "B's cost a month (0.00 when B has no such line)."),
            "delta": ref("Money", "b_monthly − a_monthly."),
            "percent": nullable(
                text("A percentage, rounded half-up to two decimals.", pattern=MONEY_PATTERN),
                "delta in percent of a_monthly; null when a_monthly is zero.",
            ),
            "a_upfront": ref("Money", "A's one-off cost."),
            "b_upfront": ref("Money", "B's one-off cost."),
            "upfront_delta": ref("Money", "b_upfront − a_upfront."),
            "price_effect": nullable(
                ref("Money"),
                "The monthly change due to B's book pricing A's usage differently; null unless "
                "the books differ and A's usage could be priced with B's book.",
            ),
            "usage_effect": nullable(
                ref("Money"),
                "The monthly change due to B's usage, at B's prices; null as price_effect is.",
            ),
        },
        "A line that differs between A and B. Lines are matched by service, Region, group and "
        "usage key; lines of one estimate with the same key are summed first.",
    ),
    "Comparison": answer_shape(
        {
            "currency": {"const": pricing.CURRENCY, "description": "Every amount is in this."},
            "a": ref("ComparedEstimate", "Estimate A, the one compared from."),
            "b": ref("ComparedEstimate", "Estimate B, the one compared to."),
            "monthly_delta": ref("Money", "B's monthly_total − A's."),
            "upfront_delta": ref("Money", "B's upfront_total − A's."),
            "first_12_months_delta": ref("Money", "B's first_12_months_total − A's."),
            "monthly_percent": nullable(
                text("A percentage, rounded half-up to two decimals.", pattern=MONEY_PATTERN),
                "monthly_delta in percent of A's monthly_total; null when that is zero.",
            ),
            "same_price_book": {
                "type": "boolean",
                "description": "Whether A and B were saved with the same price book.",
            },
            "price_effect": nullable(
                ref("Effects"),
                "With different books: A's usage at B's prices − A. Null with the same book, "
                "or when A's usage cannot be priced with B's book (see split_errors).",
            ),
            "usage_effect": nullable(
                ref("Effects"),
                "With different books: B − A's usage at B's prices; with price_effect it adds "
                "up to the change. Null as price_effect is.",
            ),
            "split_errors": array(
                ref("Error"),
                "Why A's usage cannot be priced with B's book (item is A's card), or none.",
            ),
            "lines": array(
                ref("ComparedLine"),
                "Every line that differs, the biggest monthly change first, then the biggest "
                "one-off change.",
            ),
            "unchanged_lines": {
                "type": "integer",
                "minimum": 0,
                "description": "How many lines are the same in both, left out of lines.",
            },
        },
        "Estimate A against estimate B: both totals, the changes (B − A, exact before "
        "rounding), and every line that differs.",
    ),
    "Error": obj(
        {
            "item": {
                "type": ["integer", "null"],
                "minimum": 0,
                "description": "The index of the item at fault in items, or null.",
            },
            "field": text(
                "The field at fault: a body field (projection.months for one inside an object), "
                "an item field or a usage key."
            ),
            "message": text("What is wrong, in words a person can act on."),
        },
        ("item", "field", "message"),
        additionalProperties=False,
    ),
    "Errors": obj(
        {"errors": array(ref("Error"), "Every problem found, together.", minItems=1)},
        ("errors",),
        additionalProperties=False,
        description="The body of every 4xx and 5xx answer of the API.",
    ),
    "TerraformPlan": obj(
        {
            "format_version": text(
                "The plan's JSON output format; costcalc reads 1.x.", pattern=r"^1(\.|$)"
            ),
            "terraform_version": text("The Terraform that wrote it."),
            "planned_values": {"type": "object"},
            "resource_changes": array(
                {"type": "object"},
                f"What the apply does to each resource; at most {terraform.MAX_RESOURCES:,}.",
                maxItems=terraform.MAX_RESOURCES,
            ),
            "configuration": {"type": "object", "description": "Providers and their Regions."},
            "variables": {"type": "object"},
        },
        ("format_version",),
        description=(
            "What terraform show -json plan.out prints (JSON output format 1.x), at most 20 MB "
            f"and nested at most {terraform.MAX_DEPTH} levels deep. Other properties are read "
            "as Terraform documents them, or ignored."
        ),
    ),
    "UsageFile": obj(
        {
            "resource_usage": {
                "type": "object",
                "description": (
                    "Usage by resource address (aws_kms_key.app[0]), resource (aws_kms_key.app) "
                    "or resource type (aws_kms_key); the most specific name wins."
                ),
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": ref("QuantityInput"),
                },
            },
            "version": {"description": "Ignored."},
        },
        ("resource_usage",),
        additionalProperties=False,
        description="Usage a plan cannot know: requests, events, GB a month, per resource.",
    ),
    "ImportBody": obj(
        {
            "plan": {
                "oneOf": [ref("TerraformPlan"), {"type": "string"}],
                "description": "The plan, as JSON or as its JSON text.",
            },
            "usage": {
                "oneOf": [ref("UsageFile"), {"type": "string"}, {"type": "null"}],
                "description": "A usage file, as JSON, or as JSON or YAML text.",
            },
        },
        ("plan",),
        additionalProperties=False,
        description="A plan with its usage file.",
    ),
    "ImportedItem": obj(
        {
            "service": text("The service code."),
            "region": text("The Region of the resources."),
            "accounts": {"type": "integer", "minimum": 1},
            "group": text('The module the resources are in ("" for the root module).'),
            "usage": {
                "type": "object",
                "additionalProperties": ref("Quantity"),
                "description": "The quantities the plan counts, plus those the usage file gives.",
            },
        },
        ("service", "region", "accounts", "group", "usage"),
        additionalProperties=False,
        description="A card from the plan, in a quote body item's shape.",
    ),
    "NeedsUsage": obj(
        {
            "address": text("The resource's address in the plan."),
            "service": text("The service code of the card it is counted in."),
            "usage_key": text("The usage key to give, in the usage file or the editor."),
            "hint": text("What to count."),
        },
        ("address", "service", "usage_key", "hint"),
        additionalProperties=False,
    ),
    "Unpriced": obj(
        {
            "address": text("The resource's address in the plan."),
            "type": text("Its resource type."),
            "usage_key": {
                "type": ["string", "null"],
                "description": "The usage key left out, or null when the whole resource is.",
            },
            "reason": text("Why it is not priced."),
        },
        ("address", "type", "usage_key", "reason"),
        additionalProperties=False,
    ),
    "ImportResult": obj(
        {
            "items": array(
                ref("ImportedItem"), 'Post {"items": …} as it is to /api/v1/estimates to save.'
            ),
            "needs_usage": array(ref("NeedsUsage"), "Usage the plan cannot know, priced as 0."),
            "unpriced": array(ref("Unpriced"), "Resources and usage keys left out, and why."),
            "warnings": array({"type": "string"}, "Assumptions made, for a person to check."),
            "quote": ref("Quote", "The items priced with the current book, free tier on."),
        },
        ("items", "needs_usage", "unpriced", "warnings", "quote"),
        additionalProperties=False,
    ),
}

# ---------------------------------------------------------------------------------------------
# Examples (the tests validate each against its schema, and those of the quote, the save, the
# saved estimate, the comparison and the import against the live API with the current book)

QUOTE_REQUEST = {
    "free_tier": True,
    "items": [
        {
            "service": "kms",
            "region": "us-east-1",
            "usage": {"keys": 10, "symmetric_requests": 2000000},
        }
    ],
}


def _line(usage_key: str, label: str, unit: str, **figures: object) -> dict:
    return {
        "usage_key": usage_key,
        "label": label,
        "unit": unit,
        "billing": "monthly",
        "upfront": "0.00",
        "region": "us-east-1",
        "pooling_verified": True,
        "waived": "",
        "share": "1",
        **figures,
    }


PRICE_BOOK = {"id": 2, "name": "AWS list prices, 2026-12", "effective_date": "2026-12-01"}
KMS_KEYS_SOURCE = "$1.00 per key-month: AWS KMS pricing page, aws.amazon.com/kms/pricing/ (A)."
KMS_REQUESTS_SOURCE = (
    "$0.03 per 10,000; the first 20,000 a month free, 'calculated across all regions': "
    "AWS KMS pricing page, aws.amazon.com/kms/pricing/ (A)."
)
QUOTE_RESPONSE = {
    "currency": "USD",
    "price_book": PRICE_BOOK,
    "free_tier": True,
    "monthly_total": "15.94",
    "upfront_total": "0.00",
    "first_12_months_total": "191.28",
    "items": [
        {
            "service": "kms",
            "service_name": "AWS Key Management Service (KMS)",
            "region": "us-east-1",
            "regions": ["us-east-1"],
            "accounts": 1,
            "group": "",
            "monthly": "15.94",
            "upfront": "0.00",
            "lines": [
                _line(
                    "keys",
                    "Customer managed keys",
                    "key-months",
                    quantity="10",
                    free_quantity="0",
                    billable_quantity="10",
                    unit_price="1.00",
                    per_units="1",
                    monthly="10.00",
                    formula="10 × $1.00 = $10.00",
                    source=KMS_KEYS_SOURCE,
                    grade="A",
                    pooled_quantity="10",
                    pooling="organization_region",
                ),
                _line(
                    "symmetric_requests",
                    "Symmetric requests",
                    "requests",
                    quantity="2000000",
                    free_quantity="20000",
                    billable_quantity="1980000",
                    unit_price="0.03",
                    per_units="10000",
                    monthly="5.94",
                    formula="(2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94",
                    source=KMS_REQUESTS_SOURCE,
                    grade="A",
                    pooled_quantity="2000000",
                    pooling="organization",
                ),
            ],
        }
    ],
}
SAVE_REQUEST = {
    **QUOTE_REQUEST,
    "name": "Team A keys",
    "description": "Production KMS",
    "projection": {"months": 12, "monthly_growth_percent": "2.5"},
}
PROJECTION = {
    "months": 12,
    "monthly_growth_percent": "2.5",
    "monthly_totals": [
        "15.94",
        "16.34",
        "16.75",
        "17.17",
        "17.60",
        "18.04",
        "18.50",
        "18.96",
        "19.43",
        "19.92",
        "20.42",
        "20.93",
    ],
    "total": "220.01",
    "commitments": [],
    "over_limits": [],
}
SAVED_ID = "5b0e3c9e-7d1a-4f6e-9a43-2f1c8d7b6a50"
SAVED_RESPONSE = {
    "id": SAVED_ID,
    "url": f"https://costcalc.example.com/e/{SAVED_ID}/",
    "csv_url": f"https://costcalc.example.com/e/{SAVED_ID}/export.csv",
    "json_url": f"https://costcalc.example.com/api/v1/estimates/{SAVED_ID}",
    "projection": PROJECTION,
}
ESTIMATE_RESPONSE = {
    "id": SAVED_ID,
    "name": "Team A keys",
    "description": "Production KMS",
    "created_at": "2026-12-08T09:30:00+00:00",
    "copied_from": None,
    **QUOTE_RESPONSE,
    "items": [
        {
            **QUOTE_RESPONSE["items"][0],
            "usage": {"keys": "10", "symmetric_requests": "2000000"},
        }
    ],
    "projection": PROJECTION,
}
# Estimate B of the comparison: a copy of the saved example with 15 keys and a Secrets Manager card.
COMPARED_REQUEST = {
    "name": "Team A keys and secrets",
    "copied_from": SAVED_ID,
    "items": [
        {
            "service": "kms",
            "region": "us-east-1",
            "usage": {"keys": 15, "symmetric_requests": 2000000},
        },
        {
            "service": "secrets_manager",
            "region": "us-east-1",
            "usage": {"secrets": 20, "api_calls": 100000},
        },
    ],
}
COMPARED_ID = "a41f7d2c-3b8e-4c19-8e5a-6d0b9f2e7c13"


def _compared_line(service: str, usage_key: str, label: str, **figures: object) -> dict:
    names = {
        "kms": QUOTE_RESPONSE["items"][0]["service_name"],
        "secrets_manager": "AWS Secrets Manager",
    }
    return {
        "service": service,
        "service_name": names[service],
        "region": "us-east-1",
        "group": "",
        "usage_key": usage_key,
        "label": label,
        "status": "added",
        "a_monthly": "0.00",
        "percent": None,
        "a_upfront": "0.00",
        "b_upfront": "0.00",
        "upfront_delta": "0.00",
        "price_effect": None,
        "usage_effect": None,
        **figures,
    }


COMPARISON_RESPONSE = {
    "currency": "USD",
    "a": {
        "id": SAVED_ID,
        "name": "Team A keys",
        "price_book": PRICE_BOOK,
        "free_tier": True,
        "monthly_total": "15.94",
        "upfront_total": "0.00",
        "first_12_months_total": "191.28",
    },
    "b": {
        "id": COMPARED_ID,
        "name": "Team A keys and secrets",
        "price_book": PRICE_BOOK,
        "free_tier": True,
        "monthly_total": "29.44",
        "upfront_total": "0.00",
        "first_12_months_total": "353.28",
    },
    "monthly_delta": "13.50",
    "upfront_delta": "0.00",
    "first_12_months_delta": "162.00",
    "monthly_percent": "84.69",
    "same_price_book": True,
    "price_effect": None,
    "usage_effect": None,
    "split_errors": [],
    "lines": [
        _compared_line("secrets_manager", "secrets", "Secrets", b_monthly="8.00", delta="8.00"),
        _compared_line(
            "kms",
            "keys",
            "Customer managed keys",
            status="changed",
            a_monthly="10.00",
            b_monthly="15.00",
            delta="5.00",
            percent="50.00",
        ),
        _compared_line("secrets_manager", "api_calls", "API calls", b_monthly="0.50", delta="0.50"),
    ],
    "unchanged_lines": 1,
}
IMPORT_REQUEST = {
    "plan": {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {}},
        "resource_changes": [
            {
                "address": "aws_kms_key.app",
                "mode": "managed",
                "type": "aws_kms_key",
                "name": "app",
                "change": {"actions": ["create"], "after": {"region": "us-east-1"}},
            }
        ],
    },
    "usage": {"resource_usage": {"aws_kms_key.app": {"symmetric_requests": 2000000}}},
}
IMPORT_RESPONSE = {
    "items": [
        {
            "service": "kms",
            "region": "us-east-1",
            "accounts": 1,
            "group": "",
            "usage": {"keys": "1", "symmetric_requests": "2000000"},
        }
    ],
    "needs_usage": [],
    "unpriced": [],
    "warnings": [],
    "quote": {
        **QUOTE_RESPONSE,
        "monthly_total": "6.94",
        "first_12_months_total": "83.28",
        "items": [
            {
                **QUOTE_RESPONSE["items"][0],
                "monthly": "6.94",
                "lines": [
                    {
                        **QUOTE_RESPONSE["items"][0]["lines"][0],
                        "quantity": "1",
                        "billable_quantity": "1",
                        "monthly": "1.00",
                        "formula": "1 × $1.00 = $1.00",
                        "pooled_quantity": "1",
                    },
                    QUOTE_RESPONSE["items"][0]["lines"][1],
                ],
            }
        ],
    },
}
ERRORS_EXAMPLE = {"errors": [{"item": 0, "field": "keys", "message": "Enter 0 or more."}]}
PROJECTION_ERRORS_EXAMPLE = {
    "errors": [
        {"item": None, "field": "projection.months", "message": "Choose 12, 24 or 36 months."}
    ]
}
NOT_FOUND_EXAMPLE = {
    "errors": [{"item": None, "field": "id", "message": "No estimate has this id."}]
}

# ---------------------------------------------------------------------------------------------
# The document


def json_body(schema: str, example: object | None = None) -> dict:
    media = {"schema": ref(schema)}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


def answer(description: str, schema: str = "Errors", example: object | None = None, **extra):
    return {"description": description, "content": json_body(schema, example), **extra}


NO_BOOK = answer("No price book is published yet.")
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds until a save is allowed again.",
        "schema": {"type": "integer"},
    }
}
LOCATION = {
    "Location": {
        "description": "The saved estimate's page.",
        "schema": {"type": "string", "format": "uri"},
    }
}


@functools.cache
def document() -> dict:
    """The OpenAPI 3.1 document of /api/v1/."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "costcalc API",
            "version": "1",
            "summary": "Monthly cost estimates for AWS security services, priced from price books.",
            "description": (
                'Money is a string with two decimals ("15.94"), rounded half-up from exact '
                "sums; quantities and unit prices are exact decimal strings. Numbers sent are "
                "read as exact decimals, never as floats. Every error answer has the body "
                '{"errors": [{"item", "field", "message"}]}.'
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "paths": {
            "/api/v1/services": {
                "get": {
                    "operationId": "services",
                    "summary": "The current price book's services",
                    "description": (
                        "Each service's usage inputs (key, unit, bounds) and the Regions it has "
                        "prices for: what a quote body may hold."
                    ),
                    "responses": {
                        "200": answer("The catalog.", "Catalog"),
                        "503": NO_BOOK,
                    },
                }
            },
            "/api/v1/quote": {
                "post": {
                    "operationId": "quote",
                    "summary": "Price an estimate",
                    "description": (
                        "Prices the body with the current book, or with the published book its "
                        "price_book names, and projects it over the months when its projection "
                        "asks. Saves nothing."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": json_body("QuoteBody", QUOTE_REQUEST),
                    },
                    "responses": {
                        "200": answer(
                            "The quote, with the working of every line (and a projection when "
                            "the body asked for one).",
                            "Quote",
                            QUOTE_RESPONSE,
                        ),
                        "400": answer(
                            "The body is not JSON, or something in it cannot be priced: an item, "
                            "its price_book (a draft or unknown id) or its projection.",
                            example=ERRORS_EXAMPLE,
                        ),
                        "503": NO_BOOK,
                    },
                }
            },
            "/api/v1/estimates": {
                "post": {
                    "operationId": "saveEstimate",
                    "summary": "Save an estimate",
                    "description": (
                        "Prices the body with the current book (or the published book its "
                        "price_book names) and saves it, with its projection (12 months with no "
                        "growth unless the body gives one), under a link that never changes. "
                        "Send it as application/json: the endpoint takes no CSRF "
                        "token, and that is what keeps a cross-site form from saving. Saves are "
                        "rate-limited per client address."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": json_body("SaveBody", SAVE_REQUEST),
                    },
                    "responses": {
                        "201": answer(
                            "Saved: its links, and its projection when the body asked for one.",
                            "Saved",
                            SAVED_RESPONSE,
                            headers=LOCATION,
                        ),
                        "400": answer(
                            "Something in the body cannot be saved: an item, the name, "
                            "copied_from, the price_book (a draft or unknown id) or the "
                            "projection.",
                            example=PROJECTION_ERRORS_EXAMPLE,
                        ),
                        "415": answer("The body is not sent as application/json."),
                        "429": answer("Too many saves from this address.", headers=RETRY_AFTER),
                        "503": NO_BOOK,
                    },
                }
            },
            "/api/v1/estimates/{id}": {
                "get": {
                    "operationId": "estimate",
                    "summary": "A saved estimate",
                    "description": (
                        "As it was saved, priced with its own price book, with its projection. "
                        "Sent with Content-Disposition: attachment, so that a browser following "
                        "the page's Download JSON link saves it."
                    ),
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "description": "The estimate's id, from its link.",
                            "schema": {"type": "string", "format": "uuid"},
                        }
                    ],
                    "responses": {
                        "200": answer("The estimate.", "Estimate", ESTIMATE_RESPONSE),
                        "404": answer(
                            "No estimate has this id (or it is not an id).",
                            example=NOT_FOUND_EXAMPLE,
                        ),
                        "409": answer(
                            "The estimate was saved with data its price book cannot price any "
                            "more (saved before a check existed); each error says what."
                        ),
                    },
                }
            },
            "/api/v1/compare/{a}/{b}": {
                "get": {
                    "operationId": "compareEstimates",
                    "summary": "Compare two saved estimates",
                    "description": (
                        "What B changes from A, line by line, each priced with its own book. "
                        "When the books differ, A's usage priced with B's book splits each "
                        "change into a price effect and a usage effect. The same figures are "
                        "on the page /compare/{a}/{b}/ and in its export.csv. Sent as an "
                        "attachment, like a saved estimate."
                    ),
                    "parameters": [
                        {
                            "name": "a",
                            "in": "path",
                            "required": True,
                            "description": "Estimate A's id: the one compared from.",
                            "schema": {"type": "string", "format": "uuid"},
                        },
                        {
                            "name": "b",
                            "in": "path",
                            "required": True,
                            "description": "Estimate B's id: the one compared to.",
                            "schema": {"type": "string", "format": "uuid"},
                        },
                    ],
                    "responses": {
                        "200": answer("The comparison.", "Comparison", COMPARISON_RESPONSE),
                        "404": answer(
                            "No estimate has one of the ids (or it is not an id).",
                            example=NOT_FOUND_EXAMPLE,
                        ),
                        "409": answer(
                            "One of the estimates cannot be priced any more; the messages name "
                            "it and say what."
                        ),
                    },
                }
            },
            "/api/v1/import/terraform": {
                "post": {
                    "operationId": "importTerraform",
                    "summary": "Estimate a Terraform plan",
                    "description": (
                        "Reads a Terraform JSON plan (what terraform show -json plan.out "
                        'prints), sent as the body itself or as {"plan": …, "usage": …} with a '
                        "usage file. "
                        "Answers with cards ready to post to /api/v1/estimates, what they still "
                        "need, what is not priced, and their quote. Saves nothing."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [ref("TerraformPlan"), ref("ImportBody")],
                                },
                                "example": IMPORT_REQUEST,
                            }
                        },
                    },
                    "responses": {
                        "200": answer(
                            "The plan as cards, and their quote.", "ImportResult", IMPORT_RESPONSE
                        ),
                        "400": answer(
                            "Not a plan costcalc can read (field plan), or a usage file it "
                            "cannot use (field usage).",
                            example={
                                "errors": [
                                    {
                                        "item": None,
                                        "field": "plan",
                                        "message": "Format version 2.0 is not supported; "
                                        "costcalc reads 1.x.",
                                    }
                                ]
                            },
                        ),
                        "413": answer("The body is over 20 MB."),
                        "503": NO_BOOK,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": SCHEMA_COMPONENTS},
    }


# ---------------------------------------------------------------------------------------------
# The reference page: the same document, arranged for reading


@dataclass(frozen=True)
class TypePart:
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Field:
    name: str
    type: list[TypePart]
    required: bool
    description: str
    rules: str


@dataclass(frozen=True)
class Body:
    type: list[TypePart]
    example: str
    status: str = ""
    description: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    parameters: list[Field]
    request: Body | None
    responses: list[Body]


@dataclass(frozen=True)
class Shape:
    name: str
    anchor: str
    description: str
    type: list[TypePart]
    rules: str
    fields: list[Field]


def schema_anchor(name: str) -> str:
    return f"schema-{name}"


def type_parts(schema: dict) -> list[TypePart]:
    """A schema's type for people: `array of ` + a link to Line, `string (date)`, …"""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(SCHEMAS)
        return [TypePart(name, schema_anchor(name))]
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            parts: list[TypePart] = []
            for index, option in enumerate(schema[combinator]):
                if index:
                    parts.append(TypePart(" or "))
                parts += type_parts(option)
            return parts
    if "const" in schema:
        return [TypePart(json.dumps(schema["const"]))]
    if "enum" in schema:
        return [TypePart("one of " + ", ".join(json.dumps(value) for value in schema["enum"]))]
    kind = schema.get("type", "any")
    if kind == "array":
        return [TypePart("array of "), *type_parts(schema.get("items", {}))]
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return [
            TypePart("object of "),
            *type_parts(schema["additionalProperties"]),
            TypePart(" by key"),
        ]
    words = " or ".join(kind) if isinstance(kind, list) else kind
    return [TypePart(f"{words} ({schema['format']})" if "format" in schema else words)]


def rules(schema: dict) -> str:
    """Constraints worth reading: bounds, lengths, patterns, defaults."""
    found = []
    for key, label in (
        ("minimum", "at least"),
        ("maximum", "at most"),
        ("minItems", "at least {} items"),
        ("maxItems", "at most {} items"),
        ("minLength", "at least {} characters"),
        ("maxLength", "at most {} characters"),
    ):
        if key in schema:
            value = f"{schema[key]:,}" if isinstance(schema[key], int) else schema[key]
            found.append(label.format(value) if "{}" in label else f"{label} {value}")
    if "pattern" in schema:
        found.append(f"matches {schema['pattern']}")
    if "default" in schema:
        found.append(f"default {json.dumps(schema['default'])}")
    return "; ".join(found)


def fields_of(schema: dict) -> list[Field]:
    required = set(schema.get("required", ()))
    return [
        Field(
            name,
            type_parts(prop),
            name in required,
            prop.get("description", ""),
            rules(prop),
        )
        for name, prop in schema.get("properties", {}).items()
    ]


def _example(media: dict) -> str:
    return json.dumps(media["example"], indent=2, ensure_ascii=False) if "example" in media else ""


def reference() -> tuple[list[Endpoint], list[Shape]]:
    """The endpoints, then the shapes they use, from the document."""
    doc = document()
    endpoints = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            request = None
            if "requestBody" in operation:
                media = operation["requestBody"]["content"]["application/json"]
                named = media["schema"].get("$ref", "").removeprefix(SCHEMAS)
                shape = doc["components"]["schemas"].get(named, {})
                request = Body(
                    type_parts(media["schema"]), _example(media), fields=fields_of(shape)
                )
            responses = []
            for status, response in operation["responses"].items():
                media = response.get("content", {}).get("application/json", {})
                responses.append(
                    Body(
                        type_parts(media.get("schema", {})),
                        _example(media),
                        status,
                        response["description"],
                        [
                            (name, header["description"])
                            for name, header in response.get("headers", {}).items()
                        ],
                    )
                )
            parameters = [
                Field(
                    p["name"],
                    type_parts(p["schema"]),
                    p.get("required", False),
                    p.get("description", ""),
                    "",
                )
                for p in operation.get("parameters", [])
            ]
            endpoints.append(
                Endpoint(
                    method.upper(),
                    path,
                    operation["operationId"],
                    operation["summary"],
                    operation.get("description", ""),
                    parameters,
                    request,
                    responses,
                )
            )
    shapes = [
        Shape(
            name,
            schema_anchor(name),
            schema.get("description", ""),
            [] if "properties" in schema else type_parts(schema),
            rules(schema),
            fields_of(schema),
        )
        for name, schema in doc["components"]["schemas"].items()
    ]
    return endpoints, shapes
