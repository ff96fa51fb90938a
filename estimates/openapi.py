"""The API's OpenAPI 3.1 document, written by hand, and the reference page built from it.

Why by hand rather than a framework (django-ninja, DRF and drf-spectacular): the API is five
endpoints whose JSON shapes already live in one module (api_json.py), where money is a string
with two decimals and every number is read as an exact Decimal. A schema generator would want
the shapes declared again as its own classes, and its default for a decimal is a JSON number,
which a client reads as a float. Here the document states the shapes as they are written
(`Money` is a string with the pattern ^-?[0-9]+\\.[0-9]{2}$), and the tests keep it honest:
the document is checked against the OpenAPI 3.1 schema, and every JSON answer the test suite
receives from /api/v1/ is validated against the response it documents.

Fields marked "(being added)" are optional while the quote body and lines grow in parallel work
on the main branch; responses allow properties the document does not list yet.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

from . import pricing, terraform

MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
QUANTITY_PATTERN = r"^[0-9]+(\.[0-9]+)?$"
UNIT_PRICE_PATTERN = r"^[0-9]+\.[0-9]{2,}$"
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


def being_added(description: str) -> str:
    return f"(being added) {description}"


# ---------------------------------------------------------------------------------------------
# Shapes

QUOTE_ITEM_BODY = obj(
    {
        "service": text('A service code from /api/v1/services, e.g. "kms".', minLength=1),
        "region": text("The card's Region (default us-east-1). Give region or regions."),
        "regions": array(
            {"type": "string"},
            "Every Region the card's usage runs in, each once. Give region or regions.",
            minItems=1,
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
            "description": "A label that groups cards: prod, staging, a team, a module.",
        },
        "usage": {
            "type": "object",
            "description": "Quantities by usage key (the service's inputs); a missing key is 0.",
            "additionalProperties": ref("QuantityInput"),
        },
    },
    ("service",),
    additionalProperties=False,
    description="One card: a service's usage per account and per Region.",
)

QUOTE_BODY_PROPERTIES = {
    "free_tier": {
        "type": "boolean",
        "default": True,
        "description": "Apply free allowances that never expire. Trials are never applied.",
    },
    "items": array(ref("QuoteItemBody"), f"At most {pricing.MAX_ITEMS} cards.", maxItems=200),
    "price_book": {"description": being_added("Which price book to quote with.")},
    "projection": {"description": being_added("How the estimate grows over the months.")},
}
SAVE_FIELDS = {
    "name": text("The estimate's name, 1 to 200 characters.", maxLength=200),
    "description": text("An optional description, at most 2,000 characters.", maxLength=2000),
    "copied_from": {
        "type": ["string", "null"],
        "format": "uuid",
        "description": "The id of the saved estimate this one is a copy of.",
    },
}

LINE = obj(
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
        "region": text(being_added("The Region this line is priced in.")),
        "pooled_quantity": ref(
            "Quantity", being_added("The quantity tiers and free allowance were applied to.")
        ),
        "share": ref("Quantity", being_added("This card's share of the pooled cost, 0 to 1.")),
        "pooling": {
            "enum": list(pricing.POOLING_LEVELS),
            "description": being_added("The level at which AWS counts usage for this rate."),
        },
        "pooling_verified": {
            "type": "boolean",
            "description": being_added("Whether the pooling level has a source."),
        },
        "waived": text(being_added('Why the fee is $0 under another service, or "".')),
    },
    (
        "usage_key",
        "label",
        "quantity",
        "unit",
        "free_quantity",
        "billable_quantity",
        "unit_price",
        "per_units",
        "billing",
        "monthly",
        "upfront",
        "formula",
        "source",
        "grade",
    ),
    description="One cost line of a card, with the working.",
)

QUOTE_ITEM_PROPERTIES = {
    "service": text("The service code."),
    "service_name": text("The service's name."),
    "region": text("The card's (first) Region."),
    "regions": array({"type": "string"}, being_added("Every Region of the card.")),
    "accounts": {"type": "integer", "minimum": 1, "description": being_added("Accounts.")},
    "group": text("The card's group, or an empty string."),
    "monthly": ref("Money", "The card's cost a month."),
    "upfront": ref("Money", "The card's one-off cost."),
    "lines": array(ref("Line"), "The card's cost lines; none when its usage is all zero."),
}
QUOTE_ITEM_REQUIRED = ("service", "service_name", "region", "group", "monthly", "upfront", "lines")

QUOTE_PROPERTIES = {
    "currency": {"const": pricing.CURRENCY, "description": "Every amount is in this currency."},
    "price_book": ref("PriceBook", "The price book the quote was priced with."),
    "free_tier": {"type": "boolean", "description": "Whether free allowances were applied."},
    "monthly_total": ref("Money", "The estimate a month."),
    "upfront_total": ref("Money", "One-off costs."),
    "first_12_months_total": ref("Money", "upfront_total + 12 × monthly_total."),
    "items": array(ref("QuoteItem"), "The cards, in the order they were sent."),
}
QUOTE_REQUIRED = (
    "currency",
    "price_book",
    "free_tier",
    "monthly_total",
    "upfront_total",
    "first_12_months_total",
    "items",
)

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
    "PriceBook": obj(
        {
            "id": {"type": "integer", "description": "The book's number."},
            "name": text("The book's name."),
            "effective_date": text("The date its prices are from.", format="date"),
        },
        ("id", "name", "effective_date"),
        description="A published price book.",
    ),
    "Region": obj(
        {"code": text("e.g. us-east-1"), "name": text("e.g. US East (N. Virginia)")},
        ("code", "name"),
    ),
    "UsageInput": obj(
        {
            "key": text("The usage key, as the quote body's usage names it."),
            "label": text("What to enter."),
            "unit": text("Its unit."),
            "help": text("More about it, or an empty string."),
            "min": ref("Quantity", "The smallest value allowed."),
            "max": ref("Quantity", "The largest value allowed."),
            "step": {"enum": ["1", "any"], "description": '"1" for whole numbers.'},
        },
        ("key", "label", "unit", "help", "min", "max", "step"),
        description="One usage input of a service.",
    ),
    "Service": obj(
        {
            "code": text("The service code, e.g. kms."),
            "name": text("The service's name."),
            "summary": text("One line about it."),
            "guidance": array({"type": "string"}, "What to know before choosing it."),
            "free_tier_note": text("Its free allowance, or an empty string."),
            "regions": array({"type": "string"}, "The Regions the book prices it in."),
            "inputs": array(ref("UsageInput"), "Its usage inputs, in the editor's order."),
        },
        ("code", "name", "summary", "guidance", "free_tier_note", "regions", "inputs"),
    ),
    "Catalog": obj(
        {
            "currency": {"const": pricing.CURRENCY},
            "price_book": ref("PriceBook", "The current price book."),
            "regions": array(ref("Region"), "Every Region the book has prices for."),
            "services": array(ref("Service"), "Every service the book prices."),
        },
        ("currency", "price_book", "regions", "services"),
        description="What the current price book prices.",
    ),
    "QuoteItemBody": QUOTE_ITEM_BODY,
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
    "QuoteItem": obj(QUOTE_ITEM_PROPERTIES, QUOTE_ITEM_REQUIRED, description="A priced card."),
    "Quote": obj(QUOTE_PROPERTIES, QUOTE_REQUIRED, description="An estimate, priced."),
    "SavedItem": obj(
        {
            **QUOTE_ITEM_PROPERTIES,
            "usage": {
                "type": "object",
                "additionalProperties": ref("Quantity"),
                "description": "The card's usage as it was saved.",
            },
        },
        (*QUOTE_ITEM_REQUIRED, "usage"),
        description="A priced card of a saved estimate, with the usage it was saved with.",
    ),
    "Estimate": obj(
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
        },
        ("id", "name", "description", "created_at", "copied_from", *QUOTE_REQUIRED),
        description="A saved estimate, priced with the book it was saved with.",
    ),
    "Saved": obj(
        {
            "id": text("The new estimate's id.", format="uuid"),
            "url": text("Its page, which never changes.", format="uri"),
            "csv_url": text("Its CSV download.", format="uri"),
            "json_url": text("Its JSON, at GET /api/v1/estimates/{id}.", format="uri"),
        },
        ("id", "url", "csv_url", "json_url"),
        additionalProperties=False,
    ),
    "Error": obj(
        {
            "item": {
                "type": ["integer", "null"],
                "minimum": 0,
                "description": "The index of the item at fault in items, or null.",
            },
            "field": text("The field at fault: a body field, an item field or a usage key."),
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
# Examples (the tests validate each against its schema, and the quote's against the live API)

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


def _line(usage_key: str, label: str, unit: str, **figures: str) -> dict:
    return {
        "usage_key": usage_key,
        "label": label,
        "unit": unit,
        "billing": "monthly",
        "upfront": "0.00",
        "source": "AWS KMS pricing page",
        "grade": "A",
        "region": "us-east-1",
        "pooling": "account_region",
        "pooling_verified": False,
        "waived": "",
        "share": "1",
        **figures,
    }


QUOTE_RESPONSE = {
    "currency": "USD",
    "price_book": {
        "id": 1,
        "name": "AWS list prices, US East (N. Virginia), 2026-11",
        "effective_date": "2026-11-01",
    },
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
                    pooled_quantity="10",
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
                    pooled_quantity="2000000",
                ),
            ],
        }
    ],
}
SAVE_REQUEST = {**QUOTE_REQUEST, "name": "Team A keys", "description": "Production KMS"}
SAVED_RESPONSE = {
    "id": "5b0e3c9e-7d1a-4f6e-9a43-2f1c8d7b6a50",
    "url": "https://costcalc.example.com/e/5b0e3c9e-7d1a-4f6e-9a43-2f1c8d7b6a50/",
    "csv_url": "https://costcalc.example.com/e/5b0e3c9e-7d1a-4f6e-9a43-2f1c8d7b6a50/export.csv",
    "json_url": "https://costcalc.example.com/api/v1/estimates/5b0e3c9e-7d1a-4f6e-9a43-2f1c8d7b6a50",
}
ESTIMATE_RESPONSE = {
    "id": SAVED_RESPONSE["id"],
    "name": "Team A keys",
    "description": "Production KMS",
    "created_at": "2026-11-28T09:30:00+00:00",
    "copied_from": None,
    **QUOTE_RESPONSE,
    "items": [
        {
            **QUOTE_RESPONSE["items"][0],
            "usage": {"keys": "10", "symmetric_requests": "2000000"},
        }
    ],
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
                    "description": "Prices the body with the current book. Saves nothing.",
                    "requestBody": {
                        "required": True,
                        "content": json_body("QuoteBody", QUOTE_REQUEST),
                    },
                    "responses": {
                        "200": answer(
                            "The quote, with the working of every line.", "Quote", QUOTE_RESPONSE
                        ),
                        "400": answer(
                            "The body is not JSON, or something in it cannot be priced.",
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
                        "Prices the body with the current book and saves it under a link that "
                        "never changes. Send it as application/json: the endpoint takes no CSRF "
                        "token, and that is what keeps a cross-site form from saving. Saves are "
                        "rate-limited per client address."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": json_body("SaveBody", SAVE_REQUEST),
                    },
                    "responses": {
                        "201": answer("Saved.", "Saved", SAVED_RESPONSE, headers=LOCATION),
                        "400": answer(
                            "Something in the body cannot be saved.", example=ERRORS_EXAMPLE
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
                    "description": "As it was saved, priced with its own price book.",
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
                        "404": answer("No estimate has this id (or it is not an id)."),
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
