"""The API's OpenAPI 3.1 document, and the reference page built from it.

The components are not written here: each is made from its one declaration in shapes.py, which
payloads.py also reads bodies and writes answers with (schema.py argues for plain Python over a
framework). This module adds what only the document has: the operations, their examples and
headers, and the reference page. The tests keep it honest: the document is checked against the
OpenAPI 3.1 schema, its examples against their schemas and against the live API, every JSON answer
the test suite receives from /api/v1/ is validated against the response it documents, and a
property-based fuzzer (schemathesis) sends every operation bodies made from the document. In the
document money is a string with two decimals (`Money`, ^-?[0-9]+\\.[0-9]{2}$), never a number.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

from django.conf import settings

from estimates import pricing
from estimates.api import shapes
from estimates.api.schema import SCHEMAS, UUID_PATTERN, ref
from estimates.importers import billing

SCHEMA_COMPONENTS = shapes.SCHEMA_COMPONENTS

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
            "notes": "The payments service's keys.",
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
            "notes": "The payments service's keys.",
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
        "19.44",
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


def _flat_projection(monthly: str) -> dict:
    """A saved projection of 12 months at today's usage (B's: it was saved without one)."""
    return {
        "months": 12,
        "monthly_growth_percent": "0",
        "monthly_totals": [monthly] * 12,
        "commitments": [],
        "over_limits": [],
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
    "projections": {
        "a": PROJECTION,
        "b": {**_flat_projection("29.44"), "total": "353.28"},
        "same_months": True,
        "delta": "133.27",
    },
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
            "notes": "",
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
                "notes": "",
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


def json_body(schema: shapes.Shape, example: object | None = None) -> dict:
    media = {"schema": ref(schema)}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


def answer(
    description: str,
    schema: shapes.Shape = shapes.ERRORS,
    example: object | None = None,
    **extra,
):
    return {"description": description, "content": json_body(schema, example), **extra}


def query_parameters(shape: shapes.Shape) -> list[dict]:
    """A shape's fields as an operation's query parameters."""
    return [
        {
            "name": f.name,
            "in": "query",
            "required": f.required,
            "description": f.schema["description"],
            "schema": {key: value for key, value in f.schema.items() if key != "description"},
        }
        for f in shape.fields
    ]


ID_PARAMETER = {"type": "string", "format": "uuid", "pattern": UUID_PATTERN}
NO_BOOK = answer("No price book is published yet.")
TOO_LARGE = answer(
    f"The body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):g} MB "
    "(DATA_UPLOAD_MAX_MEMORY_SIZE)."
)
NOT_JSON = answer(
    "The body is not sent as application/json in UTF-8: another Content-Type, a charset other "
    "than utf-8, or text in UTF-16 or UTF-32."
)
NAMED_TERMS_REQUEST = {
    "name": "Enterprise agreement 2026",
    "terms": {
        "discount_percent": "10",
        "service_discounts": {"kms": "20"},
        "monthly_credits": "5",
        "tax_percent": "20",
        "currency": {"code": "EUR", "usd_rate": "0.92"},
    },
}
TERMS_ERRORS_EXAMPLE = {
    "errors": [
        {
            "item": None,
            "field": "terms.discount_percent",
            "message": "Enter a percent from 0 to 100.",
        }
    ]
}
TERMS_LOCATION = {
    "Location": {
        "description": "The named terms at GET /api/v1/terms/{id}.",
        "schema": {"type": "string", "format": "uri"},
    }
}
BILL_LIMIT_MB = billing.MAX_UPLOAD_BYTES // (1024 * 1024)
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
                '{"errors": [{"item", "field", "message"}]}, a method an endpoint does not '
                "take too (405, with Allow); HEAD is answered wherever GET is. Ids are "
                "lower-case dashed UUIDs."
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
                        "200": answer("The catalog.", shapes.CATALOG),
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
                        "content": json_body(shapes.QUOTE_BODY, QUOTE_REQUEST),
                    },
                    "responses": {
                        "200": answer(
                            "The quote, with the working of every line (and a projection when "
                            "the body asked for one).",
                            shapes.QUOTE,
                            QUOTE_RESPONSE,
                        ),
                        "400": answer(
                            "The body is not JSON, or something in it cannot be priced: an item, "
                            "its price_book (a draft or unknown id) or its projection; or it asks "
                            "for more work than one request does: at most "
                            f"{pricing.MAX_CELLS:,} item × Region × month cells, the months "
                            "being the projection's when usage grows, else 1 (accounts are not "
                            "counted: a pool's usage is a sum), and at most "
                            f"{pricing.MAX_LINES:,} cost lines priced (each item's rates that "
                            "meter some of its usage, in each of its Regions, once a month "
                            "priced line by line: with terms, every month of a projection whose "
                            "usage grows).",
                            example=ERRORS_EXAMPLE,
                        ),
                        "413": TOO_LARGE,
                        "415": NOT_JSON,
                        "429": answer("Too many quotes from this address.", headers=RETRY_AFTER),
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
                        "content": json_body(shapes.SAVE_BODY, SAVE_REQUEST),
                    },
                    "responses": {
                        "201": answer(
                            "Saved: its links, and its projection when the body asked for one.",
                            shapes.SAVED,
                            SAVED_RESPONSE,
                            headers=LOCATION,
                        ),
                        "400": answer(
                            "Something in the body cannot be saved: an item, the name, "
                            "copied_from, the price_book (a draft or unknown id) or the "
                            "projection, or more item × Region × month cells or cost lines "
                            "than a quote takes.",
                            example=PROJECTION_ERRORS_EXAMPLE,
                        ),
                        "413": TOO_LARGE,
                        "415": NOT_JSON,
                        "429": answer("Too many saves from this address.", headers=RETRY_AFTER),
                        "503": NO_BOOK,
                    },
                }
            },
            "/api/v1/terms": {
                "post": {
                    "operationId": "saveNamedTerms",
                    "summary": "Save named terms",
                    "description": (
                        "Saves an organisation's terms by name, checked against the current "
                        "book, to apply to many estimates with terms_id. Send application/json; "
                        "rate-limited as saves are."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": json_body(shapes.NAMED_TERMS_BODY, NAMED_TERMS_REQUEST),
                    },
                    "responses": {
                        "201": answer("Saved.", shapes.NAMED_TERMS, headers=TERMS_LOCATION),
                        "400": answer(
                            "The body is not JSON, or a name or term is wrong; each error names "
                            "its field (terms.discount_percent, terms.currency.code, …).",
                            example=TERMS_ERRORS_EXAMPLE,
                        ),
                        "413": TOO_LARGE,
                        "415": NOT_JSON,
                        "429": answer("Too many saves.", headers=RETRY_AFTER),
                        "503": NO_BOOK,
                    },
                }
            },
            "/api/v1/terms/{id}": {
                "get": {
                    "operationId": "namedTerms",
                    "summary": "Named terms",
                    "description": "The named terms as they are now (a saved estimate keeps "
                    "its own copy).",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "description": "Their id.",
                            "schema": ID_PARAMETER,
                        }
                    ],
                    "responses": {
                        "200": answer("The named terms.", shapes.NAMED_TERMS),
                        "404": answer("No named terms have this id (or it is not an id)."),
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
                            "schema": ID_PARAMETER,
                        }
                    ],
                    "responses": {
                        "200": answer("The estimate.", shapes.ESTIMATE, ESTIMATE_RESPONSE),
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
                            "schema": ID_PARAMETER,
                        },
                        {
                            "name": "b",
                            "in": "path",
                            "required": True,
                            "description": "Estimate B's id: the one compared to.",
                            "schema": ID_PARAMETER,
                        },
                    ],
                    "responses": {
                        "200": answer("The comparison.", shapes.COMPARISON, COMPARISON_RESPONSE),
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
                                    "oneOf": [ref(shapes.TERRAFORM_PLAN), ref(shapes.IMPORT_BODY)],
                                },
                                "example": IMPORT_REQUEST,
                            }
                        },
                    },
                    "responses": {
                        "200": answer(
                            "The plan as cards, and their quote.",
                            shapes.IMPORT_RESULT,
                            IMPORT_RESPONSE,
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
                        "415": NOT_JSON,
                        "503": NO_BOOK,
                    },
                }
            },
            "/api/v1/import/billing": {
                "post": {
                    "operationId": "importBilling",
                    "summary": "Estimate from a bill: a Cost and Usage Report or FOCUS export",
                    "description": (
                        "Reads a CUR 2.0, legacy CUR or FOCUS 1.0-1.2 export (CSV, gzip CSV or "
                        "Parquet; the format is detected from the header), or the output of "
                        "aggregate.sql. Prices one billing period: the latest unless "
                        "billing_period is given. Answers with cards ready to post to "
                        "/api/v1/estimates, their quote and the reconciliation. Saves nothing. "
                        f"At most {BILL_LIMIT_MB} MB: a larger export is aggregated on Athena "
                        "with aggregate.sql first."
                    ),
                    "parameters": query_parameters(shapes.BILLING_OPTIONS),
                    "requestBody": {
                        "required": True,
                        "content": {
                            "text/csv": {"schema": {"type": "string"}},
                            "application/gzip": {
                                "schema": {"type": "string", "contentMediaType": "application/gzip"}
                            },
                            "application/vnd.apache.parquet": {
                                "schema": {
                                    "type": "string",
                                    "contentMediaType": "application/vnd.apache.parquet",
                                }
                            },
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "file": {
                                            "type": "string",
                                            "contentMediaType": "application/octet-stream",
                                            "description": "The export.",
                                        },
                                        **shapes.BILLING_OPTIONS.schema()["properties"],
                                    },
                                    "required": ["file"],
                                }
                            },
                        },
                    },
                    "responses": {
                        "200": answer(
                            "The period as cards, their quote and the reconciliation.",
                            shapes.BILLING_IMPORT,
                        ),
                        "400": answer(
                            "A file costcalc cannot read as a bill (field file), a billing "
                            "period it does not have (billing_period), a bad group_by or "
                            "price_book.",
                            example={
                                "errors": [
                                    {
                                        "item": None,
                                        "field": "file",
                                        "message": "This CUR 2.0 export lacks the column "
                                        "line_item_unblended_cost.",
                                    }
                                ]
                            },
                        ),
                        "413": answer(f"The file is over {BILL_LIMIT_MB} MB."),
                        "415": answer("The body is not CSV, gzip, Parquet or multipart."),
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
                content = operation["requestBody"]["content"]
                # A bill's import takes a file: its first media type stands for the others.
                media = content.get("application/json") or next(iter(content.values()))
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
