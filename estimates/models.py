"""Price books as data: a book holds services, their usage inputs, and the rates that price them.

A published book never changes (saved estimates are pinned to it); prices move by copying it to a
draft, editing the draft and publishing that.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from estimates import pricing
from estimates.importers import billing, terraform
from estimates.prices import changes
from estimates.pricing import compare
from estimates.pricing import projection as _projection
from estimates.pricing import terms as _terms
from estimates.pricing.regions import region_name

QUANTITY_DIGITS = {"max_digits": 30, "decimal_places": 10}
PRICE_DIGITS = {"max_digits": 20, "decimal_places": 10}


class PublishedPriceBookError(ValidationError):
    """Raised on any attempt to change or delete a published price book or its rows."""

    def __init__(self, book: PriceBook | None = None):
        name = f"“{book.name}”" if book else "This price book"
        super().__init__(
            f"{name} is published and cannot change. Copy it to a new draft to edit prices."
        )


class FrozenWhenPublishedQuerySet(models.QuerySet):
    """Bulk update and delete refuse rows of a published book, as save() and delete() do."""

    def _published_books(self) -> models.QuerySet:
        path = self.model.book_path
        prefix = f"{path}__" if path else ""
        return self.filter(**{f"{prefix}status": PriceBook.Status.PUBLISHED})

    def update(self, **kwargs) -> int:
        if self._published_books().exists():
            raise PublishedPriceBookError()
        return super().update(**kwargs)

    def delete(self):
        if self._published_books().exists():
            raise PublishedPriceBookError()
        return super().delete()


class PriceBookQuerySet(FrozenWhenPublishedQuerySet):
    def published(self) -> PriceBookQuerySet:
        return self.filter(status=PriceBook.Status.PUBLISHED)

    def _newest_first(self) -> PriceBookQuerySet:
        return self.published().order_by("-published_at", "-id")

    def current(self) -> PriceBook | None:
        """The book new estimates are priced with: the one published last, since publishing
        is how an administrator says "price new estimates with this"."""
        return self._newest_first().first()

    def published_book(self, book_id: object) -> PriceBook | None:
        """A published book by its id, or None (a draft, an unknown or a malformed id)."""
        if not isinstance(book_id, int) or isinstance(book_id, bool):
            return None
        if not 0 < book_id < 2**63:  # beyond any primary key, and beyond what SQL can bind
            return None
        return self.published().filter(pk=book_id).first()

    def current_catalog(self) -> pricing.Catalog | None:
        """The current book's catalog for a recompute or a quote, with no query while this
        process remembers which book is current (see CurrentBook)."""
        for _ in range(2):
            found = current_book.key(self._current_key)
            if found is None:
                return None
            catalog = _published_catalogs.get(found)
            if catalog is not None:
                return catalog
            book = self.published().filter(pk=found[0], published_at=found[1]).first()
            if book is not None:
                return book.catalog()
            current_book.forget()  # the remembered book is gone: ask the database again
        return None

    def _current_key(self) -> tuple | None:
        return self._newest_first().values_list("pk", "published_at").first()


class PriceBook(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    name = models.CharField(max_length=200)
    effective_date = models.DateField()
    source_note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # PROTECT: clearing this link on a published copy would change a published book.
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies"
    )

    objects = PriceBookQuerySet.as_manager()
    book_path = ""  # a book is its own book (see PriceBookPart.book_path)

    class Meta:
        ordering = ["-effective_date", "-id"]

    def __str__(self) -> str:
        suffix = "" if self.is_published else " (draft)"
        return f"{self.name}{suffix}"

    def save(self, *args, **kwargs) -> None:
        if self.stored_is_published():
            raise PublishedPriceBookError(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.stored_is_published():
            raise PublishedPriceBookError(self)
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def stored_is_published(self) -> bool:
        """Whether the database row is published (self may hold unsaved edits)."""
        if self.pk is None:
            return False
        return PriceBook.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists()

    def publish(self) -> None:
        """Make this draft the current book for new estimates. From now on it never changes."""
        if self.stored_is_published():
            raise PublishedPriceBookError(self)
        self.status = self.Status.PUBLISHED
        self.published_at = timezone.now()
        super().save(update_fields=["status", "published_at"])

    @transaction.atomic
    def copy_to_draft(self, name: str | None = None) -> PriceBook:
        """A new draft holding a copy of every service, input, rate and tier of this book."""
        draft = PriceBook.objects.create(
            name=name or f"{self.name} (draft copy)",
            effective_date=timezone.localdate(),
            source_note=self.source_note,
            copied_from=self,
        )
        for service in self.services.prefetch_related("inputs", "rates__tiers"):
            inputs = list(service.inputs.all())
            rates = list(service.rates.all())
            service.pk = None
            service.price_book = draft
            service.save()
            for usage_input in inputs:
                usage_input.pk = None
                usage_input.service = service
            UsageInput.objects.bulk_create(inputs)
            for rate in rates:
                tiers = list(rate.tiers.all())
                rate.pk = None
                rate.service = service
                rate.save()
                for tier in tiers:
                    tier.pk = None
                    tier.rate = rate
                RateTier.objects.bulk_create(tiers)
        return draft

    def regions(self) -> tuple[str, ...]:
        """The Regions this book has prices for, in a stable order."""
        found = (
            Rate.objects.filter(service__price_book=self)
            .exclude(region=pricing.ALL_REGIONS)
            .values_list("region", flat=True)
            .distinct()
        )
        return tuple(
            sorted(set(found), key=lambda region: (region != pricing.DEFAULT_REGION, region))
        )

    def listed_rates(self, service: str = "", region: str = "") -> list[Rate]:
        """Every rate row by service and Region (an all-Regions rate under "*"), with its tiers;
        only one service's or one Region's (its own rates and the all-Regions ones) when asked."""
        rates = Rate.objects.filter(service__price_book=self)
        if service:
            rates = rates.filter(service__code=service)
        if region:
            rates = rates.filter(region__in=[region, pricing.ALL_REGIONS])
        rates = rates.select_related("service").prefetch_related("tiers")
        return sorted(
            rates,
            key=lambda rate: (
                rate.service.position,
                rate.service.code,
                rate.region != pricing.ALL_REGIONS,
                rate.region != pricing.DEFAULT_REGION,
                rate.region,
                rate.position,
                rate.id,
            ),
        )

    def import_terraform(self, plan: object, usage: object = None) -> terraform.ImportResult:
        """A Terraform JSON plan (and usage file) as items this book prices; PlanError if not."""
        return terraform.fit_to_catalog(
            terraform.import_plan(plan, usage),
            self.catalog(),
            group_length=EstimateItem._meta.get_field("group").max_length,
        )

    def billing_mapping(self) -> billing.MappingTable:
        """Which rate each (offer code, usage type) of a bill is usage of, from this book."""
        offers = dict(self.services.values_list("code", "aws_offer_code"))
        usage_types = {}
        rows = Rate.objects.filter(service__price_book=self).exclude(aws_usage_type="")
        for service, code, usage_type in rows.order_by("position", "id").values_list(
            "service__code", "code", "aws_usage_type"
        ):
            usage_types.setdefault((service, code), usage_type)
        return billing.MappingTable.build(self.catalog(), offers, usage_types)

    def import_billing(
        self, path, *, billing_period: str | None = None, group_by: str = billing.BY_SERVICE
    ) -> billing.BillingImport:
        """A billing export as cards this book prices, with the reconciliation; BillingError."""
        return billing.import_export(
            path,
            self.catalog(),
            self.billing_mapping(),
            billing_period=billing_period,
            group_by=group_by,
            group_length=EstimateItem._meta.get_field("group").max_length,
        )

    def catalog(self) -> pricing.Catalog:
        """The book as the engine's Catalog; loaded once per published book and reused."""
        # published_at is in the key so that a reused primary key never finds another book.
        cache_key = (self.pk, self.published_at)
        if self.is_published and cache_key in _published_catalogs:
            return _published_catalogs[cache_key]
        catalog = self._load_catalog()
        if self.is_published:
            _published_catalogs[cache_key] = catalog
        return catalog

    def _load_catalog(self) -> pricing.Catalog:
        services = {}
        queryset = self.services.order_by("position", "code").prefetch_related(
            models.Prefetch("inputs", queryset=UsageInput.objects.order_by("position", "id")),
            models.Prefetch(
                "rates", queryset=Rate.objects.order_by("position", "id").prefetch_related("tiers")
            ),
        )
        for service in queryset:
            services[service.code] = service.as_spec()
        waivers = Waiver.objects.filter(service__price_book=self).select_related("service")
        return pricing.Catalog(
            book_id=self.pk,
            book_name=self.name,
            effective_date=self.effective_date.isoformat(),
            services=services,
            regions=self.regions() or (pricing.DEFAULT_REGION,),
            waivers=tuple(waiver.as_spec() for waiver in waivers.order_by("position", "id")),
        )


# Published books never change, so their catalogs can live as long as the process.
_published_catalogs: dict[tuple, pricing.Catalog] = {}


class CurrentBook:
    """Which book is current, as (pk, published_at), remembered by this process.

    Publishing is rare and every request prices with the current book, so the question is not
    asked of the database per request. A publish or delete in this process forgets the answer
    at once (the signals below, and again when its transaction commits). Another process (each
    gunicorn worker is one) cannot signal this one, so the answer is also forgotten after
    settings.COSTCALC_CURRENT_BOOK_SECONDS (2 by default): a book published elsewhere prices
    new previews and quotes here within that time, and meanwhile they use the book published
    before it, which is as valid and as frozen as ever (a save pins the book it is given). A
    version kept in the shared cache would see the publish at once but costs a round trip to
    Redis per request, the very cost this removes; the database stays the one source of truth.
    """

    def __init__(self) -> None:
        self._found: tuple | None = None
        self._until = 0.0

    def key(self, ask) -> tuple | None:
        """The remembered answer, or `ask()`'s when none is remembered or it is too old."""
        found, now = self._found, time.monotonic()
        if found is not None and now < self._until:
            return found
        found = ask()
        if found is not None:
            self._found = found
            self._until = now + float(getattr(settings, "COSTCALC_CURRENT_BOOK_SECONDS", 2))
        return found

    def forget(self) -> None:
        self._found = None
        self._until = 0.0


current_book = CurrentBook()


@receiver(post_save, sender=PriceBook)
@receiver(post_delete, sender=PriceBook)
def _forget_current_book(sender, **kwargs) -> None:
    current_book.forget()
    transaction.on_commit(current_book.forget)


class PriceBookPart(models.Model):
    """A row that belongs to a price book and so freezes with it."""

    # The lookup from the row to its PriceBook, e.g. "service__price_book": it serves both
    # the bulk guard in FrozenWhenPublishedQuerySet and owning_book() below.
    book_path = ""

    objects = FrozenWhenPublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._check_book_is_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_book_is_draft()
        return super().delete(*args, **kwargs)

    def owning_book(self) -> PriceBook:
        book = self
        for name in self.book_path.split("__"):
            book = getattr(book, name)
        return book

    def _check_book_is_draft(self) -> None:
        book = self.owning_book()
        if book.stored_is_published():
            raise PublishedPriceBookError(book)
        if self.pk is not None:
            # Moving a row out of a published book changes that book too.
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored is not None and stored.owning_book().stored_is_published():
                raise PublishedPriceBookError(stored.owning_book())


class Service(PriceBookPart):
    price_book = models.ForeignKey(PriceBook, on_delete=models.CASCADE, related_name="services")
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    guidance = models.TextField(blank=True, help_text="Notes that help a decision, one per line.")
    free_tier_note = models.CharField(max_length=300, blank=True)
    aws_offer_code = models.CharField(max_length=100, blank=True)
    replaced_inputs = models.JSONField(
        default=dict,
        blank=True,
        help_text="Keys of an earlier book priced under other keys here: {old: [new, …]}.",
    )
    position = models.PositiveIntegerField(default=0)

    book_path = "price_book"

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["price_book", "code"], name="unique_service_per_book")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def as_spec(self) -> pricing.ServiceSpec:
        return pricing.ServiceSpec(
            code=self.code,
            name=self.name,
            summary=self.summary,
            guidance=tuple(line.strip() for line in self.guidance.splitlines() if line.strip()),
            free_tier_note=self.free_tier_note,
            replaced_inputs={key: tuple(new) for key, new in self.replaced_inputs.items()},
            inputs=tuple(usage_input.as_spec() for usage_input in self.inputs.all()),
            rates=tuple(rate.as_spec() for rate in self.rates.all()),
        )


class UsageInput(PriceBookPart):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="inputs")
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    unit = models.CharField(max_length=60)
    help = models.CharField(max_length=500, blank=True)
    min_value = models.DecimalField(default=Decimal(0), **QUANTITY_DIGITS)
    max_value = models.DecimalField(default=pricing.MAX_QUANTITY, **QUANTITY_DIGITS)
    whole = models.BooleanField(default=False, help_text="Only whole numbers.")
    at_most_key = models.SlugField(
        max_length=60, blank=True, help_text="At most at_most_factor × this other input."
    )
    at_most_factor = models.DecimalField(default=Decimal(0), **QUANTITY_DIGITS)
    requires_key = models.SlugField(
        max_length=60, blank=True, help_text="Above zero only when this other input is."
    )
    position = models.PositiveIntegerField(default=0)

    book_path = "service__price_book"

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "key"], name="unique_input_per_service")
        ]

    def __str__(self) -> str:
        return self.key

    def as_spec(self) -> pricing.InputSpec:
        return pricing.InputSpec(
            key=self.key,
            label=self.label,
            unit=self.unit,
            help=self.help,
            min_value=self.min_value,
            max_value=self.max_value,
            whole=self.whole,
            at_most_key=self.at_most_key,
            at_most_factor=self.at_most_factor,
            requires_key=self.requires_key,
        )


class Rate(PriceBookPart):
    class Billing(models.TextChoices):
        MONTHLY = pricing.MONTHLY, "Monthly"
        UPFRONT = pricing.UPFRONT, "Upfront"

    class Grade(models.TextChoices):
        A = "A", "A: AWS pricing page, blog or docs"
        B = "B", "B: AWS Price List data"
        C = "C", "C: AWS guides or AWS Pricing Calculator"
        D = "D", "D: third-party tool's tests"
        E = "E", "E: not verified"

    class Pooling(models.TextChoices):
        ORGANIZATION_REGION = pricing.ORGANIZATION_REGION, "The organisation, per Region"
        ORGANIZATION = pricing.ORGANIZATION, "The organisation, across all Regions"
        ACCOUNT_REGION = pricing.ACCOUNT_REGION, "Each account, per Region"
        ORGANIZATION_ONCE = pricing.ORGANIZATION_ONCE, "One fee per organisation"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="rates")
    code = models.SlugField(max_length=60, help_text="The usage key this cost is reported under.")
    label = models.CharField(max_length=200)
    meters = models.CharField(
        max_length=200,
        help_text="Usage keys whose product is metered, separated by spaces.",
    )
    per_units = models.DecimalField(default=Decimal(1), **QUANTITY_DIGITS)
    unit = models.CharField(max_length=60)
    free_units = models.DecimalField(default=Decimal(0), **QUANTITY_DIGITS)
    region = models.CharField(
        max_length=30, default=pricing.ALL_REGIONS, help_text="A Region code, or * for all."
    )
    billing = models.CharField(max_length=10, choices=Billing.choices, default=Billing.MONTHLY)
    source = models.CharField(max_length=300, blank=True)
    grade = models.CharField(max_length=1, choices=Grade.choices, default=Grade.A)
    commitment_months = models.PositiveSmallIntegerField(
        default=0,
        help_text="Months the rate binds once its quantity is above zero (0: no term).",
    )
    aws_usage_type = models.CharField(
        max_length=120,
        blank=True,
        help_text="AWS Price List usage type without its Region prefix, e.g. KMS-Requests.",
    )
    pooling = models.CharField(
        max_length=30,
        choices=Pooling.choices,
        default=Pooling.ORGANIZATION_REGION,
        help_text="At what level AWS counts usage for this rate's tiers and free allowance.",
    )
    pooling_source = models.CharField(
        max_length=300,
        blank=True,
        help_text="AWS's word for the pooling level; blank shows it as unverified.",
    )
    position = models.PositiveIntegerField(default=0)

    book_path = "service__price_book"

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code", "region"], name="unique_rate_per_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.code}.{self.code} [{self.region}]"

    def clean(self) -> None:
        if self.per_units is not None and self.per_units <= 0:
            raise ValidationError({"per_units": "Must be more than zero."})
        if not self.meters.split():
            raise ValidationError({"meters": "Name at least one usage key."})

    @property
    def region_name(self) -> str:
        return "All Regions" if self.region == pricing.ALL_REGIONS else region_name(self.region)

    @property
    def per_text(self) -> str:
        return changes.per_text(self.as_spec())

    @property
    def later_tiers(self) -> list[RateTier]:
        """The tiers after the first, whose price is the unit price."""
        return list(self.tiers.all())[1:]

    def as_spec(self) -> pricing.RateSpec:
        return pricing.RateSpec(
            code=self.code,
            label=self.label,
            meters=tuple(self.meters.split()),
            per_units=self.per_units,
            unit=self.unit,
            tiers=tuple(pricing.Tier(tier.start, tier.price) for tier in self.tiers.all()),
            free_units=self.free_units,
            region=self.region,
            billing=self.billing,
            source=self.source,
            grade=self.grade,
            pooling=self.pooling,
            pooling_source=self.pooling_source,
            commitment_months=self.commitment_months,
        )


class RateTier(PriceBookPart):
    rate = models.ForeignKey(Rate, on_delete=models.CASCADE, related_name="tiers")
    start = models.DecimalField(
        default=Decimal(0), help_text="First unit of this band.", **QUANTITY_DIGITS
    )
    price = models.DecimalField(help_text="Price per the rate's units, in USD.", **PRICE_DIGITS)

    book_path = "rate__service__price_book"

    class Meta:
        ordering = ["start"]
        constraints = [models.UniqueConstraint(fields=["rate", "start"], name="unique_tier_start")]

    def __str__(self) -> str:
        return f"from {self.start}: {self.price}"


class Waiver(PriceBookPart):
    """A rule between services: some fees of a card are $0 when another service covers them."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="waivers")
    flag = models.SlugField(
        max_length=60, help_text="The usage input (0 or 1) by which a card claims the waiver."
    )
    rate_codes = models.CharField(
        max_length=300, help_text="Codes of the rates made $0, separated by spaces."
    )
    requires_service = models.SlugField(max_length=50, help_text="The service that grants it.")
    requires_key = models.SlugField(
        max_length=60, help_text="The input of that service that must be above zero."
    )
    reason = models.CharField(max_length=300, help_text="Shown on each waived line.")
    source = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    book_path = "service__price_book"

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.service.code}.{self.flag}"

    def as_spec(self) -> pricing.Waiver:
        return pricing.Waiver(
            service=self.service.code,
            flag=self.flag,
            rates=tuple(self.rate_codes.split()),
            requires_service=self.requires_service,
            requires_key=self.requires_key,
            reason=self.reason,
            source=self.source,
        )


# ---------------------------------------------------------------------------------------------
# Saved estimates: immutable, shared by an unguessable link, pinned to the book that priced them

LINEAGE_SHOWN = 10  # ancestors shown on a saved estimate's page


class ExactDecimalField(models.TextField):
    """A Decimal stored as its exact text, so no database rounds it.

    Django's DecimalField on SQLite keeps only 15 significant digits, and the engine's sums can
    hold more; a snapshot that must equal the quote to the last digit is stored as text.
    """

    def from_db_value(self, value, expression, connection) -> Decimal | None:
        return None if value is None else Decimal(value)

    def to_python(self, value) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return Decimal(str(value))
        except ArithmeticError:
            raise ValidationError("Enter a number.") from None

    def get_prep_value(self, value) -> str | None:
        value = self.to_python(value)
        return None if value is None else format(value, "f")


class SavedEstimateError(ValidationError):
    """Raised on any attempt to change or delete a saved estimate or its items."""

    def __init__(self):
        super().__init__("A saved estimate never changes. Save a copy instead.")


def _check_text(field: str, value: object, max_length: int, *, multiline: bool) -> list:
    """Field errors for a name or description: type, length, and characters no database takes."""
    if not isinstance(value, str):
        return [pricing.FieldError(None, field, f"{field} must be text.")]
    errors = []
    if len(value) > max_length:
        errors.append(
            pricing.FieldError(None, field, f"At most {max_length:,} characters, please.")
        )
    message = text_problem(value, multiline=multiline)
    if message:
        errors.append(pricing.FieldError(None, field, message))
    return errors


# An import lists at most this many resources it could not price (a plan of 200 cards has
# fewer); beyond it a save is refused rather than cut short.
MAX_UNPRICED = 1_000
UNPRICED_TEXT_LENGTH = 500


def _check_unpriced(unpriced: tuple[terraform.Unpriced, ...]) -> list:
    """Field errors for what an import could not price: how many, and each text's length."""
    if len(unpriced) > MAX_UNPRICED:
        return [
            pricing.FieldError(
                None, "unpriced", f"At most {MAX_UNPRICED:,} unpriced resources, please."
            )
        ]
    return [
        pricing.FieldError(
            None,
            "unpriced",
            f"Resource {index + 1}: at most {UNPRICED_TEXT_LENGTH} characters in each text.",
        )
        for index, entry in enumerate(unpriced)
        if max(len(entry.address), len(entry.type), len(entry.reason), len(entry.usage_key))
        > UNPRICED_TEXT_LENGTH
    ]


NOT_UTF8_MESSAGE = (
    "This text was not sent as UTF-8 (a “\ufffd” stands where bytes could not be read): "
    "type it again."
)


def text_problem(value: str, *, multiline: bool = True) -> str | None:
    """What stops a text from being stored as typed: control characters, characters no
    database takes, or U+FFFD, which stands for bytes that were not UTF-8."""
    allowed = "\t\n\r" if multiline else ""
    if any((ord(char) < 32 and char not in allowed) or ord(char) == 127 for char in value):
        return "Remove the control characters."
    if not _storable(value):
        return "Remove the characters that are not text."
    if "\ufffd" in value:
        return NOT_UTF8_MESSAGE
    return None


def _storable(text: str) -> bool:
    """No NUL (PostgreSQL refuses it) and no lone surrogate (UTF-8 cannot encode it)."""
    return "\x00" not in text and not any(0xD800 <= ord(char) <= 0xDFFF for char in text)


class NamedTerms(models.Model):
    """An organisation's agreement saved by name, to apply to many estimates. It may be edited:
    an estimate keeps its own copy of the terms it was saved with (Estimate.terms)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    # The terms as the API takes them (terms.terms_as_json): decimals as exact text.
    terms = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "named terms"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("terms:detail", args=[self.public_id])

    def as_terms(self, catalog: pricing.Catalog) -> tuple[_terms.Terms, list[pricing.FieldError]]:
        """The terms for the engine, checked against the book they will price with."""
        return _terms.parse_terms(catalog, self.terms)

    @classmethod
    def check_name(cls, name: object) -> list[pricing.FieldError]:
        errors = _check_text("name", name, cls._meta.get_field("name").max_length, multiline=False)
        if not errors and not name.strip():
            errors.append(pricing.FieldError(None, "name", "Name the terms."))
        return errors

    def set_terms(self, name: str, terms: _terms.Terms) -> None:
        """Rename and replace the terms, checked: raises PricingError on a bad name."""
        errors = self.check_name(name)
        if errors:
            raise pricing.PricingError(errors)
        self.name = name.strip()
        self.terms = _terms.terms_as_json(terms)
        self.save()


class EstimateQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise SavedEstimateError()

    def delete(self):
        raise SavedEstimateError()

    def create_from_items(
        self,
        *,
        name: str,
        description: str = "",
        price_book: PriceBook,
        items: list[pricing.Item],
        notes: Sequence[object] = (),
        free_tier: bool = True,
        copied_from: Estimate | None = None,
        projection: _projection.Projection | None = None,
        terms: _terms.Terms | None = None,
        named_terms: NamedTerms | None = None,
        unpriced: tuple[terraform.Unpriced, ...] = (),
    ) -> Estimate:
        """Price the items with a published book and save them as one estimate, all or nothing;
        `notes` are the cards' notes, in the items' order ("" for a card without).

        Raises pricing.PricingError, with field errors, when anything cannot be saved as given.
        """
        return self.create_from_quote(
            name=name,
            description=description,
            price_book=price_book,
            priced=pricing.quote(price_book.catalog(), items, free_tier),
            notes=notes,
            copied_from=copied_from,
            projection=projection,
            terms=terms,
            named_terms=named_terms,
            unpriced=unpriced,
        )

    def create_from_quote(
        self,
        *,
        name: str,
        description: str = "",
        price_book: PriceBook,
        priced: pricing.Quote,
        notes: Sequence[object] = (),
        copied_from: Estimate | None = None,
        projection: _projection.Projection | None = None,
        terms: _terms.Terms | None = None,
        named_terms: NamedTerms | None = None,
        unpriced: tuple[terraform.Unpriced, ...] = (),
    ) -> Estimate:
        """Save a quote made with `price_book` as one estimate, all or nothing, with its
        projection (12 months, no growth, unless given) and its own copy of its terms (those of
        `named_terms` when given: a later edit of them never changes this estimate). `unpriced`
        is what the import it came from could not price: the saved estimate keeps saying so.

        Raises pricing.PricingError, with field errors, when anything cannot be saved as given.
        """
        plan = projection or _projection.Projection()
        if named_terms is not None and terms is None:
            terms, terms_errors = named_terms.as_terms(price_book.catalog())
            if terms_errors:
                raise pricing.PricingError(terms_errors)
        terms = terms or _terms.Terms()
        name = name.strip() if isinstance(name, str) else name
        description = description.strip() if isinstance(description, str) else description
        errors = _check_text("name", name, Estimate.max_length("name"), multiline=False)
        errors += _check_text(
            "description", description, Estimate.max_length("description"), multiline=True
        )
        if not errors and not name:
            errors.append(pricing.FieldError(None, "name", "Name the estimate."))
        if not price_book.stored_is_published():
            errors.append(
                pricing.FieldError(None, "price_book", "Only a published price book can be used.")
            )
        if len(priced.items) > pricing.MAX_ITEMS:
            errors.append(
                pricing.FieldError(
                    None, "items", f"At most {pricing.MAX_ITEMS} items in one estimate."
                )
            )
        errors += [
            pricing.FieldError(index, "group", text_problem(item_quote.item.group))
            for index, item_quote in enumerate(priced.items)
            if text_problem(item_quote.item.group)
        ]
        card_notes = EstimateItem.notes_for(len(priced.items), notes)
        errors += EstimateItem.check_notes(notes, len(priced.items))
        errors += _check_unpriced(unpriced)
        errors += _projection.check_projection(plan)
        # What the engine refuses is never stored: a saved estimate must price again, for good.
        items = [item_quote.item for item_quote in priced.items]
        errors += pricing.check_items(price_book.catalog(), tuple(items))
        if not errors:
            # No larger estimate than a quote may price is kept: its page, CSV and JSON would
            # write every line on every read. With terms each month is priced line by line.
            months = _projection.months_priced_by_line(plan, terms)
            errors += pricing.check_lines(price_book.catalog(), items, months)
        # Terms read with another book (a reprice) may name a service or rate this one lacks.
        errors += _terms.parse_terms(price_book.catalog(), _terms.terms_as_json(terms))[1]
        if errors:
            raise pricing.PricingError(errors)
        # A growth that takes a quantity past what the engine takes is refused now, not on the
        # page that shows it.
        projected = _projection.project(
            price_book.catalog(), items, priced.free_tier, plan, first=priced, terms=terms
        )
        with transaction.atomic():
            estimate = Estimate(
                name=name,
                description=description,
                price_book=price_book,
                free_tier=priced.free_tier,
                copied_from=copied_from,
                monthly_total=priced.monthly_total,
                upfront_total=priced.upfront_total,
                first_12_months_total=priced.first_12_months_total,
                projection_months=plan.months,
                projection_growth_percent=plan.monthly_growth_percent,
                terms=_terms.terms_as_json(terms),
                named_terms=named_terms,
                terms_name=named_terms.name if named_terms else "",
                unpriced=[asdict(entry) for entry in unpriced],
            )
            estimate.save(force_insert=True)
            EstimateItem.objects.bulk_create(
                EstimateItem(
                    estimate=estimate,
                    position=position,
                    service=item_quote.item.service,
                    region=item_quote.item.region,
                    regions=list(item_quote.item.regions),
                    accounts=item_quote.item.accounts,
                    group=item_quote.item.group,
                    usage={key: format(value, "f") for key, value in item_quote.item.usage.items()},
                    notes=card_notes[position],
                )
                for position, item_quote in enumerate(priced.items)
            )
        # What was just priced is what the saved estimate prices to: its answer reuses it.
        estimate._items, estimate._quote, estimate._projected = tuple(items), priced, projected
        return estimate


class Estimate(models.Model):
    """A saved estimate. It never changes: a copy is a new estimate that records its origin."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=2000, blank=True)
    price_book = models.ForeignKey(PriceBook, on_delete=models.PROTECT, related_name="estimates")
    free_tier = models.BooleanField(default=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The totals as they were quoted at save time, exact (display rounds them, never storage).
    monthly_total = ExactDecimalField()
    upfront_total = ExactDecimalField()
    first_12_months_total = ExactDecimalField()
    # How the estimate projects: over how many months, growing by how much a month (percent).
    projection_months = models.PositiveSmallIntegerField(
        default=_projection.DEFAULT_MONTHS,
        choices=[(months, f"{months} months") for months in _projection.MONTH_CHOICES],
    )
    projection_growth_percent = ExactDecimalField(default=Decimal(0))
    # The terms it was priced with, copied at save time ({} for list prices in USD), and the
    # named terms they came from, if any, with their name then.
    terms = models.JSONField(default=dict, blank=True)
    named_terms = models.ForeignKey(
        NamedTerms, null=True, blank=True, on_delete=models.SET_NULL, related_name="estimates"
    )
    terms_name = models.CharField(max_length=200, blank=True)
    # What the import it came from could not price, as it was at save time: [{"address",
    # "type", "reason", "usage_key"}]. Its totals leave these out, and its page says so.
    unpriced = models.JSONField(default=list, blank=True)

    objects = EstimateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or not self._state.adding:
            raise SavedEstimateError()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("saved:detail", args=[self.public_id])

    def delete(self, *args, **kwargs):
        raise SavedEstimateError()

    @classmethod
    def max_length(cls, field: str) -> int:
        """The length a text field allows; forms and the API read it from here."""
        return cls._meta.get_field(field).max_length

    def get_csv_url(self) -> str:
        return reverse("saved:csv", args=[self.public_id])

    def get_json_url(self) -> str:
        return reverse("api:estimate", args=[self.public_id])

    def items_for_engine(self) -> list[pricing.Item]:
        """The saved cards as the engine's items, in the order they were saved."""
        return list(self._items)

    # A saved estimate never changes, so its cards and their quote are read and priced once
    # per instance, however many parts of a page (totals, projection, movement) ask for them.
    def item_notes(self) -> tuple[str, ...]:
        """Each saved card's notes ("" for none), in the order the cards were saved."""
        return tuple(row.notes for row in self._rows)

    def cards_with_notes(self) -> list[tuple[pricing.ItemQuote, str]]:
        """Each priced card with its notes, for the saved page (pricing never reads notes)."""
        return list(zip(self.quote().items, self.item_notes(), strict=True))

    @cached_property
    def _rows(self) -> tuple[EstimateItem, ...]:
        return tuple(self.items.order_by("position"))

    @cached_property
    def _items(self) -> tuple[pricing.Item, ...]:
        return tuple(item.as_item() for item in self._rows)

    @cached_property
    def _quote(self) -> pricing.Quote:
        return pricing.quote(self.price_book.catalog(), self._items, self.free_tier)

    @cached_property
    def pinned_terms(self) -> _terms.Terms:
        """The terms saved with the estimate, as the engine takes them."""
        terms, errors = _terms.parse_terms(self.price_book.catalog(), self.terms)
        if errors:  # saved only after parse_terms took them with this very book
            raise pricing.PricingError(errors)
        return terms

    @cached_property
    def _net(self) -> _terms.NetQuote:
        return _terms.apply_terms(self.price_book.catalog(), self._quote, self.pinned_terms)

    def net_quote(self) -> _terms.NetQuote:
        """The saved quote at the organisation's price, under the pinned terms."""
        return self._net

    def as_payload(self) -> dict:
        """The estimate as a quote body (plus name and description), to prefill a copy."""
        return {
            "name": self.name,
            "description": self.description,
            "free_tier": self.free_tier,
            **({"terms": dict(self.terms)} if self.terms else {}),
            "projection": {
                "months": self.projection_months,
                "monthly_growth_percent": pricing.decimal_text(self.projection_growth_percent),
            },
            "items": [
                {
                    "service": item.service,
                    # The shortest body that means the card: "region" for one Region.
                    **(
                        {"regions": item.regions}
                        if len(item.regions) > 1
                        else {"region": item.region}
                    ),
                    **({"accounts": item.accounts} if item.accounts != 1 else {}),
                    "group": item.group,
                    "usage": dict(item.usage),
                    **({"notes": item.notes} if item.notes else {}),
                }
                for item in self._rows
            ],
        }

    def quote(self) -> pricing.Quote:
        """The estimate priced with its pinned price book: the figures it was saved with."""
        return self._quote

    @cached_property
    def pricing_errors(self) -> list[pricing.FieldError]:
        """Why this estimate cannot be priced or projected any more (data stored before a check
        existed, or changed by hand), or [] when it can. Pages and exports show these instead
        of figures."""
        try:
            self.project()
        except pricing.PricingError as error:
            return list(error.errors)
        return []

    @property
    def projection(self) -> _projection.Projection:
        return _projection.Projection(self.projection_months, self.projection_growth_percent)

    def project(self) -> _projection.ProjectionResult:
        """The saved projection, month by month, priced with the pinned book."""
        return self._projected

    @cached_property
    def _projected(self) -> _projection.ProjectionResult:
        return _projection.project(
            self.price_book.catalog(),
            self.items_for_engine(),
            self.free_tier,
            self.projection,
            first=self.quote(),
            terms=self.pinned_terms,
        )

    def compare_to(self, other: Estimate) -> compare.EstimateComparison:
        """This estimate (A) against `other` (B), line by line; when their books differ, A's
        usage priced with B's book splits what moved by price from what moved by usage."""
        a, b = self.quote(), other.quote()
        if self.price_book_id == other.price_book_id:
            return compare.compare_quotes(a, b)
        try:
            a_at_b_prices = pricing.quote(
                other.price_book.catalog(), self.items_for_engine(), self.free_tier
            )
        except pricing.PricingError as error:
            return compare.compare_quotes(
                a, b, same_price_book=False, split_errors=tuple(error.errors)
            )
        return compare.compare_quotes(a, b, same_price_book=False, a_at_b_prices=a_at_b_prices)

    @property
    def unpriced_resources(self) -> tuple[terraform.Unpriced, ...]:
        """What its import could not price, as the importer names them."""
        return tuple(terraform.Unpriced(**entry) for entry in self.unpriced)

    def compare_projection_to(self, other: Estimate) -> compare.ProjectionComparison:
        """This estimate's saved projection (A) against `other`'s (B)."""
        return compare.ProjectionComparison(self.project(), other.project())

    def compare_net_to(self, other: Estimate) -> _terms.NetComparison | None:
        """This estimate's net figures (A) against `other`'s (B), split into what their terms
        and what their usage changed; None when neither has terms."""
        if self.pinned_terms.is_list and other.pinned_terms.is_list:
            return None
        return _terms.compare_net(self.price_book.catalog(), self.net_quote(), other.net_quote())

    def lineage(self, limit: int = LINEAGE_SHOWN) -> list[Estimate]:
        """The estimates this one was copied from, nearest first: `limit` of them, one query."""
        if self.copied_from_id is None:
            return []
        path = "__".join(["copied_from"] * limit)
        current = Estimate.objects.select_related(path).get(pk=self.pk).copied_from
        ancestors: list[Estimate] = []
        while current is not None:
            ancestors.append(current)
            if len(ancestors) == limit:
                break  # the next one was not joined in; copied_from_id still tells it exists
            current = current.copied_from
        return ancestors

    def compare_with(self, book: PriceBook) -> changes.PriceMovement:
        """Price the saved items again with `book` and list the lines whose cost moved."""
        then = self.quote()
        try:
            now = pricing.quote(book.catalog(), self.items_for_engine(), self.free_tier)
        except pricing.PricingError as error:
            return changes.PriceMovement(book, then, None, (), tuple(error.errors))
        return changes.PriceMovement(book, then, now, changes.moved_lines(then, now))

    def price_movement(self) -> changes.PriceMovement | None:
        """How the current price book would price this estimate, or None if it is the pinned one."""
        current = PriceBook.objects.current()
        if current is None or current.pk == self.price_book_id:
            return None
        return self.compare_with(current)

    def reprice(self, book: PriceBook | None = None) -> Estimate:
        """A new copy priced with `book` (the current one by default); this estimate stays."""
        book = book or PriceBook.objects.current()
        if book is None:
            raise pricing.PricingError(
                [pricing.FieldError(None, "price_book", "No price book is published yet.")]
            )
        return Estimate.objects.create_from_items(
            name=self.name,
            description=self.description,
            price_book=book,
            items=self.items_for_engine(),
            notes=self.item_notes(),
            free_tier=self.free_tier,
            copied_from=self,
            projection=self.projection,
            terms=self.pinned_terms,
            named_terms=self.named_terms,
        )


class EstimateItemQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise SavedEstimateError()

    def delete(self):
        raise SavedEstimateError()


class EstimateItem(models.Model):
    """One card of a saved estimate: a service in a Region, its group and its usage."""

    estimate = models.ForeignKey(Estimate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    service = models.SlugField(max_length=50)
    region = models.CharField(max_length=30)
    group = models.CharField(max_length=100, blank=True)
    # Usage key → the exact quantity as decimal text ("2000000", "0.5"): JSON has no Decimal.
    usage = models.JSONField(default=dict)
    accounts = models.PositiveIntegerField(default=1)
    # Every Region of the card, `region` first; empty on cards saved before cards had several.
    regions = models.JSONField(default=list, blank=True)
    # Free text for the reader (a bill import lists the card's account ids); pricing never reads it.
    notes = models.TextField(max_length=2000, blank=True)

    objects = EstimateItemQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["estimate", "position"], name="unique_position_per_estimate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} [{self.region}]"

    def save(self, *args, **kwargs) -> None:
        # Items are written once, with their estimate, by Estimate.objects.create_from_items.
        raise SavedEstimateError()

    def delete(self, *args, **kwargs):
        raise SavedEstimateError()

    @classmethod
    def check_notes(cls, notes: Sequence[object], cards: int) -> list[pricing.FieldError]:
        """Field errors for the cards' notes: one text per card at most, each text of at most
        2,000 characters that a database stores as typed."""
        limit = cls._meta.get_field("notes").max_length
        errors = []
        if len(notes) > cards:
            message = f"{len(notes)} notes for {cards} cards: give at most one per card."
            errors.append(pricing.FieldError(None, "notes", message))
        for index, text in enumerate(notes[:cards]):
            if not isinstance(text, str):
                errors.append(pricing.FieldError(index, "notes", "notes must be text."))
            elif len(text) > limit:
                message = f"At most {limit:,} characters, please."
                errors.append(pricing.FieldError(index, "notes", message))
            elif message := text_problem(text):
                errors.append(pricing.FieldError(index, "notes", message))
        return errors

    @staticmethod
    def notes_for(cards: int, notes: Sequence[object]) -> list[str]:
        """One note per card: those given, then "" for the cards given none."""
        given = [text if isinstance(text, str) else "" for text in notes[:cards]]
        return given + [""] * (cards - len(given))

    def as_item(self) -> pricing.Item:
        return pricing.Item(
            service=self.service,
            region=self.region,
            group=self.group,
            usage={key: Decimal(value) for key, value in self.usage.items()},
            accounts=self.accounts,
            regions=tuple(self.regions),
        )
