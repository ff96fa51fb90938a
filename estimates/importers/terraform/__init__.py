"""Terraform plans to estimate items: plain Python, no Django, quantities as Decimal.

reading.py reads the files, plan.py walks the plan (modules, counts, providers, Regions) and fits
the import to a price book, resources.py is the table of resource types. May import
estimates.importers.base and estimates.pricing; nothing with Django.

Reads what `terraform show -json plan.out` prints, JSON output format 1.x
(https://developer.hashicorp.com/terraform/internals/json-format): an unsupported major version
is refused, unknown properties are ignored, as that page asks.

Which resources count
- Every managed resource instance in `resource_changes` that exists after the apply: actions
  create, update, no-op, and both replacements (["delete", "create"], ["create", "delete"]).
  ["delete"] and "forget" are left out; data sources and deposed objects are skipped.
- Attributes come from `change.after`. One instance is one unit, so `count` and `for_each`
  instances add up: `aws_kms_key.app[0]` and `aws_kms_key.app[1]` are two keys.
- Region: the resource's own `region` argument (AWS provider 6), else the `region` of its provider
  configuration (`configuration.provider_config`, found through the resource's
  `provider_config_key`; a root-module `var.name` is read from the plan's variables), else
  us-east-1, with a warning naming the resource.
- Group: the module instance the resource is in (`module_address`; "" for the root module).
  One item per (service, Region, group): quantities summed, addresses listed.
- A quantity the plan cannot know (requests, events, GB) is a `needs_usage` entry, one per
  resource and usage key, unless the usage file gives it. Every other managed resource is
  `unpriced`, with the reason: nothing is dropped silently.

The usage file (JSON; YAML too when PyYAML is installed):

    {"resource_usage": {
        "module.edge.aws_wafv2_web_acl.main": {"requests": 25000000},
        "aws_kms_key.app": {"symmetric_requests": 1000000},
        "aws_secretsmanager_secret": {"api_calls": 30000}}}

- A name is a resource instance address (`aws_kms_key.app[0]`), a resource address standing for
  each of its instances (`aws_kms_key.app`), or a resource type standing for each resource of that
  type (`aws_secretsmanager_secret`). For each usage key the most specific name wins.
- Values are per resource, summed into the resource's item; the 0/1 switches
  (`advanced_subscriptions`, `higher_throughput`) take the largest value instead. Keys are the
  price book's usage keys, checked when the estimate is priced (`pricing.check_item`).
- A quantity the plan counts (keys, secrets, web ACLs, rules…) comes from the plan; a usage value
  for it is ignored, with a warning. An optional top-level "version" is ignored.
"""

from estimates.importers.base import ImportedItem, ImportResult, NeedsUsage, Unpriced
from estimates.importers.terraform.plan import fit_to_catalog, import_plan
from estimates.importers.terraform.reading import (
    MAX_DEPTH,
    MAX_PLAN_BYTES,
    MAX_RESOURCES,
    MAX_USAGE_BYTES,
    PlanError,
    UsageError,
    read_json,
    read_plan,
    read_usage,
    too_big,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_PLAN_BYTES",
    "MAX_RESOURCES",
    "MAX_USAGE_BYTES",
    "ImportResult",
    "ImportedItem",
    "NeedsUsage",
    "PlanError",
    "Unpriced",
    "UsageError",
    "fit_to_catalog",
    "import_plan",
    "read_json",
    "read_plan",
    "read_usage",
    "too_big",
]
