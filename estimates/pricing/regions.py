"""AWS Regions: one table of codes, names and AWS Price List usage-type prefixes.

The prefixes are how the Price List names a Region inside a usage type (`USE1-KMS-Requests`);
"EU" is the older prefix of Europe (Ireland), kept by some services.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    price_list_prefixes: tuple[str, ...]


REGIONS = {
    region.code: region
    for region in (
        Region("us-east-1", "US East (N. Virginia)", ("USE1",)),
        Region("us-east-2", "US East (Ohio)", ("USE2",)),
        Region("us-west-1", "US West (N. California)", ("USW1",)),
        Region("us-west-2", "US West (Oregon)", ("USW2",)),
        Region("ca-central-1", "Canada (Central)", ("CAN1",)),
        Region("ca-west-1", "Canada West (Calgary)", ("CAN2",)),
        Region("eu-west-1", "Europe (Ireland)", ("EU", "EUW1")),
        Region("eu-west-2", "Europe (London)", ("EUW2",)),
        Region("eu-west-3", "Europe (Paris)", ("EUW3",)),
        Region("eu-central-1", "Europe (Frankfurt)", ("EUC1",)),
        Region("eu-central-2", "Europe (Zurich)", ("EUC2",)),
        Region("eu-north-1", "Europe (Stockholm)", ("EUN1",)),
        Region("eu-south-1", "Europe (Milan)", ("EUS1",)),
        Region("eu-south-2", "Europe (Spain)", ("EUS2",)),
        Region("af-south-1", "Africa (Cape Town)", ("AFS1",)),
        Region("ap-east-1", "Asia Pacific (Hong Kong)", ("APE1",)),
        Region("ap-northeast-1", "Asia Pacific (Tokyo)", ("APN1",)),
        Region("ap-northeast-2", "Asia Pacific (Seoul)", ("APN2",)),
        Region("ap-northeast-3", "Asia Pacific (Osaka)", ("APN3",)),
        Region("ap-southeast-1", "Asia Pacific (Singapore)", ("APS1",)),
        Region("ap-southeast-2", "Asia Pacific (Sydney)", ("APS2",)),
        Region("ap-south-1", "Asia Pacific (Mumbai)", ("APS3",)),
        Region("ap-southeast-3", "Asia Pacific (Jakarta)", ("APS4",)),
        Region("ap-south-2", "Asia Pacific (Hyderabad)", ("APS5",)),
        Region("ap-southeast-4", "Asia Pacific (Melbourne)", ("APS6",)),
        Region("il-central-1", "Israel (Tel Aviv)", ("ILC1",)),
        Region("me-central-1", "Middle East (UAE)", ("MEC1",)),
        Region("me-south-1", "Middle East (Bahrain)", ("MES1",)),
        Region("mx-central-1", "Mexico (Central)", ("MXC1",)),
        Region("sa-east-1", "South America (São Paulo)", ("SAE1",)),
        Region("us-gov-east-1", "AWS GovCloud (US-East)", ("UGE1",)),
        Region("us-gov-west-1", "AWS GovCloud (US-West)", ("UGW1",)),
    )
}
# The commercial Regions a security baseline most often spans: every price book aims to price each
# service in each of them, and /prices/<id>/ lists what it lacks there.
BASELINE_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
)
# `USE1` → `us-east-1`, for reading Price List usage types.
REGION_BY_PRICE_LIST_PREFIX = {
    prefix: region.code for region in REGIONS.values() for prefix in region.price_list_prefixes
}


def region_name(code: str) -> str:
    """`US East (N. Virginia)` for `us-east-1`; the code itself for a Region we have no name for."""
    region = REGIONS.get(code)
    return region.name if region else code
