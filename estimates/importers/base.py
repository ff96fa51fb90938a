"""The shape every importer returns: cards it could price, what they need, what it left out.

An importer turns a foreign document (a Terraform plan today, a billing export next) into estimate
items plus the list of what it could not price, with the reason: nothing is dropped silently.
May import estimates.pricing only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from estimates import pricing


@dataclass(frozen=True)
class ImportedItem:
    """One estimate card: a service in a Region for one module (or bill's accounts), with its
    quantities. `addresses` are the plan's resources or the bill's account ids; `notes` says
    where the card came from, in words."""

    service: str
    region: str
    group: str
    usage: dict[str, Decimal]
    addresses: tuple[str, ...]
    accounts: int = 1
    notes: str = ""

    def as_item(self) -> pricing.Item:
        return pricing.Item(
            self.service, self.region, self.group, dict(self.usage), accounts=self.accounts
        )


@dataclass(frozen=True)
class NeedsUsage:
    """A usage key of one resource that neither the plan nor the usage file gives."""

    address: str
    service: str
    usage_key: str
    label_hint: str


@dataclass(frozen=True)
class Unpriced:
    """A resource costcalc leaves out, or one usage key of it (`usage_key`), and why."""

    address: str
    type: str
    reason: str
    usage_key: str = ""


@dataclass(frozen=True)
class ImportResult:
    items: list[ImportedItem]
    needs_usage: list[NeedsUsage]
    unpriced: list[Unpriced]
    warnings: list[str]
