"""AWS usage types and units, shared by the Price List import and the billing importer.

No Django here, so that the importers (which must stay plain Python) can use it: a usage type's
Region prefix, and the hours in a price book's month.
"""

from __future__ import annotations

from decimal import Decimal

from estimates.pricing.regions import REGION_BY_PRICE_LIST_PREFIX, REGIONS

HOURS_PER_MONTH = Decimal(730)
HOURLY_UNITS = {"hrs", "hr", "hour", "hours"}

# A usage type starts with a Region's Price List prefix (regions.py), or with the Region code
# itself, as KMS's `us-west-1-KMS-Requests` does.
REGION_PREFIXES = REGION_BY_PRICE_LIST_PREFIX
REGION_CODES = frozenset(REGIONS)


def split_usage_type(usage_type: str, region_code: str = "") -> tuple[str, str]:
    """(Region, usage type without its Region prefix); the Region is '' when nothing names one."""
    head, separator, rest = usage_type.partition("-")
    prefix_region = ""
    stripped = usage_type
    if separator and head in REGION_PREFIXES:
        prefix_region, stripped = REGION_PREFIXES[head], rest
    else:
        for code in sorted(REGION_CODES | {region_code} - {""}, key=len, reverse=True):
            if usage_type.startswith(f"{code}-"):
                prefix_region, stripped = code, usage_type[len(code) + 1 :]
                break
    return region_code or prefix_region, stripped
