"""The plan walk: which resource changes count, their modules, providers and Regions, the cards.

Each kept resource goes through the resources table (resources.HANDLERS); the parts it returns are
summed into one card per (service, Region, module). fit_to_catalog then fits the import to a book.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from estimates import pricing
from estimates.importers.base import ImportedItem, ImportResult, NeedsUsage, Unpriced
from estimates.importers.terraform.reading import (
    PlanError,
    UsageError,
    _blocks,
    _dict,
    _flag,
    _str,
    _strings,
    read_plan,
    read_usage,
)
from estimates.importers.terraform.resources import (
    DEFAULT_REGION,
    HANDLERS,
    USAGE_HINTS,
    Resource,
    _trail_events,
    _unpriced_reason,
)

# Usage inputs that are 0 or 1 for the whole account: a sum would make no sense.
SWITCH_KEYS = frozenset({"advanced_subscriptions", "higher_throughput"})
# Addresses a warning names before it says "and N more".
LISTED_ADDRESSES = 10

SHIELD_AND_WAF = (
    "Web ACLs protected by Shield Advanced pay no web ACL, rule or request fee: the plan cannot "
    "tell which they are, so they are counted in full; set shield_advanced_covered to 1 on the "
    "WAF card whose web ACLs protect them."
)

KEPT_ACTIONS = frozenset(
    {("create",), ("update",), ("no-op",), ("delete", "create"), ("create", "delete")}
)


@dataclass
class _Card:
    usage: dict[str, Decimal] = field(default_factory=dict)
    addresses: list[str] = field(default_factory=list)
    accounts: int = 1


def import_plan(plan: dict, usage: dict | None = None) -> ImportResult:
    """Estimate items, missing usage and unpriced resources for a Terraform JSON plan."""
    return PlanWalk(read_plan(plan), read_usage(usage)["resource_usage"]).run()


class PlanWalk:
    def __init__(self, plan: dict, usage: dict[str, dict[str, Decimal]]):
        self.usage = usage
        configuration = _dict(plan.get("configuration"))
        self.provider_configs = _dict(configuration.get("provider_config"))
        self.config_resources = _config_resources(configuration)
        self.variables = _dict(plan.get("variables"))
        self.notes: dict[str, list[str]] = {}
        self.warnings: list[str] = []
        self.resources = self._kept_resources(plan.get("resource_changes", []))
        self.first_subscription = next(
            (r.address for r in self.resources if r.type == "aws_shield_subscription"), None
        )
        self.subscription_asked = False
        self.extra_trails = self._extra_trails()
        self.association_rules = self._association_rules()

    def note(self, message: str, address: str) -> None:
        """A warning about some resources, written once with their addresses."""
        self.notes.setdefault(message, []).append(address)

    # Reading resource_changes

    def _kept_resources(self, changes: list) -> list[Resource]:
        resources = []
        for index, entry in enumerate(changes):
            if not isinstance(entry, dict):
                raise PlanError(
                    f"Not a Terraform plan: resource_changes[{index}] is not an object."
                )
            address, kind = entry.get("address"), entry.get("type")
            change = entry.get("change")
            actions = _dict(change).get("actions")
            if not (
                isinstance(address, str) and isinstance(kind, str) and isinstance(change, dict)
            ):
                raise PlanError(
                    f"Not a Terraform plan: resource_changes[{index}] has no address, type "
                    "or change."
                )
            if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
                raise PlanError(f"Not a Terraform plan: {address[:200]} has no change.actions.")
            if entry.get("mode", "managed") != "managed" or entry.get("deposed"):
                continue
            actions = tuple(actions)
            if actions == ("delete",):
                continue
            if "forget" in actions:
                self.note(
                    "removed from Terraform's state without being destroyed, so it still runs; "
                    "not counted",
                    address,
                )
                continue
            if actions not in KEPT_ACTIONS:
                self.note(f"actions {list(actions)} are unknown to costcalc; not counted", address)
                continue
            name, module = _str(entry.get("name")), _str(entry.get("module_address"))
            path = _module_path(module)
            config = {} if path is None else self.config_resources.get((path, f"{kind}.{name}"), {})
            resource = Resource(
                address,
                kind,
                name,
                module,
                _dict(change.get("after")),
                _dict(change.get("after_unknown")),
                config,
            )
            resource.region = self._region(resource, path)
            resources.append(resource)
        return resources

    def _region(self, resource: Resource, path: tuple[str, ...] | None) -> str:
        own = _str(resource.after.get("region"))
        if own:
            return own
        key = _str(resource.config.get("provider_config_key"))
        if not key and path is not None:
            key = ":".join(filter(None, [".".join(f"module.{step}" for step in path), "aws"]))
        for candidate in _provider_keys(key):
            config = self.provider_configs.get(candidate)
            if isinstance(config, dict):
                region = self._provider_region(config)
                if region:
                    return region
                break
        if resource.type.startswith("aws_"):
            self.note(
                f"no Region in the plan, counted in {DEFAULT_REGION}; set region in the "
                "provider block or on the resource",
                resource.address,
            )
        return DEFAULT_REGION

    def _provider_region(self, config: dict) -> str:
        expression = _dict(_dict(config.get("expressions")).get("region"))
        constant = _str(expression.get("constant_value"))
        if constant:
            return constant
        references = _strings(expression.get("references"))
        # Only the root module's variables are in the plan.
        if references and references[0].startswith("var.") and not config.get("module_address"):
            variable = _dict(self.variables.get(references[0].removeprefix("var.")))
            return _str(variable.get("value"))
        return ""

    # What some resources need to know about others

    def _extra_trails(self) -> set[str]:
        """Trails whose management events are an extra copy: the first per Region is free."""
        everywhere, one_region = [], []
        for r in self.resources:
            if r.type == "aws_cloudtrail" and _trail_events(r)[0]:
                multi_region = _flag(r.after.get("is_multi_region_trail"), False)
                (everywhere if multi_region else one_region).append(r)
        # A multi-Region trail delivers a copy in every Region, so it takes the free copy first.
        extra, covered = set(), set()
        for trail in everywhere + one_region:
            if (everywhere and trail is not everywhere[0]) or trail.region in covered:
                extra.add(trail.address)
            else:
                covered.add(trail.region)
                self.note(
                    "taken as the free first copy of management events in its Region; if another "
                    "trail (an organization trail, say) already delivers them, enter this trail's "
                    "events as additional_management_events",
                    trail.address,
                )
        for trail in everywhere[1:]:
            self.note(
                "a further multi-Region trail: its management events in every Region are extra "
                "copies; enter them all as additional_management_events",
                trail.address,
            )
        return extra

    def _association_rules(self) -> dict[str, set[str]]:
        """Rule names that rule group associations add to a web ACL, by the ACL's ARN."""
        rules: dict[str, set[str]] = {}
        for r in self.resources:
            if r.type == "aws_wafv2_web_acl_rule_group_association":
                arn, name = _str(r.after.get("web_acl_arn")), _str(r.after.get("rule_name"))
                if arn and name:
                    rules.setdefault(arn, set()).add(name)
        return rules

    # Pricing resources

    def run(self) -> ImportResult:
        cards: dict[tuple[str, str, str], _Card] = {}
        needs_usage: list[NeedsUsage] = []
        unpriced: list[Unpriced] = []
        priced_names: set[str] = set()
        unpriced_names: set[str] = set()
        ignored: dict[tuple[str, str], None] = {}
        for resource in self.resources:
            names = (resource.address, resource.resource_address, resource.type)
            handler = HANDLERS.get(resource.type)
            part = handler(self, resource) if handler else _unpriced_reason(resource.type)
            if isinstance(part, str):
                unpriced.append(Unpriced(resource.address, resource.type, part))
                unpriced_names.update(names)
                continue
            priced_names.update(names)
            values: dict[str, tuple[Decimal, str]] = {}
            for name in reversed(names):
                for key, value in self.usage.get(name, {}).items():
                    values[key] = (value, name)
            card = cards.setdefault((part.service, resource.region, resource.module), _Card())
            card.addresses.append(resource.address)
            card.accounts = max(card.accounts, part.accounts)
            for key, count in part.counts.items():
                if count:
                    _add(card.usage, key, Decimal(count))
                if key in values:
                    ignored[(values.pop(key)[1], key)] = None
            for key, (value, _name) in values.items():
                _add(card.usage, key, value)
            for key in dict.fromkeys(part.needs):
                if key not in values:
                    hint = USAGE_HINTS.get(key, key)
                    needs_usage.append(NeedsUsage(resource.address, part.service, key, hint))
        for name, key in ignored:
            self.warnings.append(
                f"Usage file: {name} sets {key}, which the plan counts itself; ignored."
            )
        for name in self.usage:
            if name in priced_names:
                continue
            if name in unpriced_names:
                self.warnings.append(f"Usage file: costcalc does not price {name}; ignored.")
            else:
                self.warnings.append(
                    f"Usage file: {name} is not among the resources the plan keeps; ignored."
                )
        self._shield_and_waf_warning(cards)
        items = [
            ImportedItem(service, region, group, card.usage, tuple(card.addresses), card.accounts)
            for (service, region, group), card in sorted(
                cards.items(), key=lambda pair: (pair[0][2], pair[0][1], pair[0][0])
            )
        ]
        if len(items) > pricing.MAX_ITEMS:
            self.warnings.append(_too_many_items(len(items)))
        warnings = [
            _listed(addresses) + f": {message}." for message, addresses in self.notes.items()
        ]
        return ImportResult(items, needs_usage, unpriced, warnings + self.warnings)

    def _shield_and_waf_warning(self, cards: dict) -> None:
        services = {service for service, _region, _group in cards}
        if {"shield", "waf"} <= services and self.first_subscription:
            self.warnings.append(SHIELD_AND_WAF)


def _add(usage: dict[str, Decimal], key: str, value: Decimal) -> None:
    with localcontext() as context:
        context.prec = pricing.PRECISION
        if key in SWITCH_KEYS:
            usage[key] = max(usage.get(key, Decimal(0)), value)
        else:
            usage[key] = usage.get(key, Decimal(0)) + value


def _too_many_items(count: int) -> str:
    return (
        f"The plan makes {count} items; an estimate holds at most {pricing.MAX_ITEMS}. "
        "Import the plans of smaller configurations."
    )


def _listed(addresses: list[str]) -> str:
    shown = ", ".join(addresses[:LISTED_ADDRESSES])
    more = len(addresses) - LISTED_ADDRESSES
    return f"{shown} and {more:,} more" if more > 0 else shown


_MODULE_STEP = re.compile(
    r'module\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?(?:\.|$)'
)


def _module_path(module_address: str) -> tuple[str, ...] | None:
    """`module.edge[0].module.waf` → ("edge", "waf"): module calls, without instance keys."""
    path, position = [], 0
    while position < len(module_address):
        match = _MODULE_STEP.match(module_address, position)
        if not match:
            return None
        path.append(match.group(1))
        position = match.end()
    return tuple(path)


def _provider_keys(key: str) -> Iterable[str]:
    """The key, then for a default (unaliased) provider the same provider in each parent module,
    which a child module inherits when it has no provider block of its own."""
    yield key
    modules, _, provider = key.rpartition(":")
    if not modules or "." in provider:
        return
    steps = modules.split(".")
    while steps:
        steps = steps[:-2]
        yield f"{'.'.join(steps)}:{provider}" if steps else provider


def _config_resources(configuration: dict) -> dict[tuple[tuple[str, ...], str], dict]:
    """Resource blocks of the configuration by (module path, module-relative address)."""
    found: dict[tuple[tuple[str, ...], str], dict] = {}
    stack: list[tuple[tuple[str, ...], dict]] = [((), _dict(configuration.get("root_module")))]
    while stack:
        path, module = stack.pop()
        for resource in _blocks(module.get("resources")):
            if isinstance(resource.get("address"), str):
                found[(path, resource["address"])] = resource
        for name, call in _dict(module.get("module_calls")).items():
            stack.append(((*path, name), _dict(_dict(call).get("module"))))
    return found


# ---------------------------------------------------------------------------------------------
# Fitting an import to a price book

# Shown in place of what no page, JSON or database can hold: NUL and lone surrogates
# (a plan's JSON may spell them as \u0000 and \ud800).
_UNPRINTABLE = re.compile("[\x00\ud800-\udfff]")
# Errors listed in one message before "and N more".
LISTED_ERRORS = 5


def fit_to_catalog(
    result: ImportResult, catalog: pricing.Catalog, *, group_length: int
) -> ImportResult:
    """The import as this price book can price it: every item passes pricing.check_items.

    - An item of a service the book does not have, or in a Region it has no prices for, is left
      out: its resources are unpriced, with the reason, and need no usage.
    - A usage key the book does not have for the service is dropped: a resource that needs it
      is listed as unpriced for that key, a value the usage file gives for it is warned about.
      So is a key the book has no price for in the item's Region: unpriced, with the reason.
    - Text from the plan is made printable (no NUL, no lone surrogate); a group (the module
      address) longer than `group_length` is cut, with a warning.

    Raises UsageError when a value from the usage file is out of the book's bounds, PlanError
    when the plan itself makes more items or accounts than an estimate holds.
    """
    missing = f"not in the current price book ({catalog.book_name})"
    items: list[ImportedItem] = []
    unpriced = [_printable_unpriced(entry) for entry in result.unpriced]
    warnings = [
        _printable(warning)
        for warning in result.warnings
        if warning != _too_many_items(len(result.items))
    ]
    dropped: set[str] = set()
    unavailable_by_address: set[tuple[str, str]] = set()
    unknown: dict[tuple[str, str], None] = {}
    for imported in result.items:
        addresses = tuple(_printable(address) for address in imported.addresses)
        service = catalog.services.get(imported.service)
        if service is None:
            reason = missing
        elif imported.region not in catalog.service_regions(imported.service):
            reason = f"{service.name} in {_printable(imported.region)[:40]} is {missing}"
        else:
            reason = ""
        if reason:
            unpriced += [Unpriced(a, _resource_type(a), reason) for a in addresses]
            dropped.update(imported.addresses)
            continue
        known = {spec.key for spec in service.inputs}
        # An input the book has no price for in this Region is unpriced there, not an error.
        unavailable = {
            spec.key for spec in catalog.unavailable_inputs(imported.service, imported.region)
        }
        for key in sorted(unavailable & set(imported.usage)):
            reason = f"{key} has no price in {imported.region} in the current price book"
            unpriced += [Unpriced(a, _resource_type(a), reason, key) for a in addresses]
        unavailable_by_address.update((a, key) for a in imported.addresses for key in unavailable)
        known -= unavailable
        for key in imported.usage:
            # The plan counts only keys the book has: an unknown one is from the usage file.
            ignored = f"Usage file: {key} of {service.code} is {missing}; ignored."
            if key not in known and key not in unavailable and ignored not in warnings:
                warnings.append(ignored)
        group = _printable(imported.group)
        if len(group) > group_length:
            warnings.append(f"The group {group[:60]}… is cut to {group_length} characters.")
            group = group[: group_length - 1] + "…"
        items.append(
            ImportedItem(
                imported.service,
                imported.region,
                group,
                {key: value for key, value in imported.usage.items() if key in known},
                addresses,
                imported.accounts,
            )
        )
    needs_usage = []
    for need in result.needs_usage:
        if need.address in dropped:
            continue
        if (need.address, need.usage_key) in unavailable_by_address:
            region = next(i.region for i in result.items if need.address in i.addresses)
            reason = f"{need.usage_key} has no price in {region} in the current price book"
            entry = Unpriced(_printable(need.address), _resource_type(need.address), reason)
            entry = Unpriced(entry.address, entry.type, reason, need.usage_key)
            if entry not in unpriced:
                unpriced.append(entry)
            continue
        service = catalog.services.get(need.service)
        address = _printable(need.address)
        if service is None or service.input(need.usage_key) is None:
            unknown[(address, need.usage_key)] = None
        else:
            needs_usage.append(NeedsUsage(address, need.service, need.usage_key, need.label_hint))
    unpriced += [
        Unpriced(address, _resource_type(address), f"{key} is {missing}", key)
        for address, key in unknown
    ]
    if not {"shield", "waf"} <= {item.service for item in items}:
        warnings = [warning for warning in warnings if warning != SHIELD_AND_WAF]
    if len(items) > pricing.MAX_ITEMS:
        raise PlanError(_too_many_items(len(items)))
    _check_fitted(catalog, items)
    return ImportResult(items, needs_usage, unpriced, warnings)


def _check_fitted(catalog: pricing.Catalog, items: list[ImportedItem]) -> None:
    """UsageError for values the book refuses (usage file), PlanError for counts it refuses."""
    errors = pricing.check_items(catalog, tuple(item.as_item() for item in items))
    if not errors:
        return
    messages, from_usage = [], True
    for error in errors:
        item = items[error.item] if error.item is not None else None
        service = catalog.services.get(item.service) if item else None
        from_usage = from_usage and service is not None and service.input(error.field) is not None
        where = f"{_listed(list(item.addresses))}: " if item else ""
        messages.append(f"{where}{error.field}: {error.message}")
    more = len(messages) - LISTED_ERRORS
    text = " ".join(messages[:LISTED_ERRORS]) + (f" And {more:,} more." if more > 0 else "")
    if from_usage:
        raise UsageError(f"The usage file gives values the price book does not take: {text}")
    raise PlanError(f"The plan makes an estimate the price book does not take: {text}")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub("\ufffd", text)


def _printable_unpriced(entry: Unpriced) -> Unpriced:
    return Unpriced(
        _printable(entry.address), _printable(entry.type), _printable(entry.reason), entry.usage_key
    )


def _resource_type(address: str) -> str:
    """`module.edge["a.b"].aws_kms_key.app[0]` → `aws_kms_key`."""
    position = 0
    while match := _MODULE_STEP.match(address, position):
        position = match.end()
    return address[position:].split(".", 1)[0]
