"""Price books as data: a book holds services, their usage inputs, and the rates that price them.

A published book never changes (saved estimates are pinned to it); prices move by copying it to a
draft, editing the draft and publishing that.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from . import pricing

QUANTITY_DIGITS = {"max_digits": 30, "decimal_places": 10}
PRICE_DIGITS = {"max_digits": 20, "decimal_places": 10}


class PublishedPriceBookError(ValidationError):
    """Raised on any attempt to change or delete a published price book or its rows."""

    def __init__(self, book: PriceBook | None = None):
        name = f"“{book.name}”" if book else "This price book"
        super().__init__(
            f"{name} is published and cannot change. Copy it to a new draft to edit prices."
        )


class PriceBookQuerySet(models.QuerySet):
    def published(self) -> PriceBookQuerySet:
        return self.filter(status=PriceBook.Status.PUBLISHED)

    def current(self) -> PriceBook | None:
        """The book new estimates are priced with: the newest published one."""
        return self.published().order_by("-effective_date", "-published_at", "-id").first()


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
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )

    objects = PriceBookQuerySet.as_manager()

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
        return pricing.Catalog(
            book_id=self.pk,
            book_name=self.name,
            effective_date=self.effective_date.isoformat(),
            services=services,
            regions=self.regions() or (pricing.DEFAULT_REGION,),
        )


# Published books never change, so their catalogs can live as long as the process.
_published_catalogs: dict[tuple, pricing.Catalog] = {}


class PriceBookPart(models.Model):
    """A row that belongs to a price book and so freezes with it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._check_book_is_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_book_is_draft()
        return super().delete(*args, **kwargs)

    def owning_book(self) -> PriceBook:
        raise NotImplementedError

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
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["price_book", "code"], name="unique_service_per_book")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def owning_book(self) -> PriceBook:
        return self.price_book

    def as_spec(self) -> pricing.ServiceSpec:
        return pricing.ServiceSpec(
            code=self.code,
            name=self.name,
            summary=self.summary,
            guidance=tuple(line.strip() for line in self.guidance.splitlines() if line.strip()),
            free_tier_note=self.free_tier_note,
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

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "key"], name="unique_input_per_service")
        ]

    def __str__(self) -> str:
        return self.key

    def owning_book(self) -> PriceBook:
        return self.service.price_book

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
    aws_usage_type = models.CharField(
        max_length=120,
        blank=True,
        help_text="AWS Price List usage type without its Region prefix, e.g. KMS-Requests.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code", "region"], name="unique_rate_per_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.code}.{self.code} [{self.region}]"

    def owning_book(self) -> PriceBook:
        return self.service.price_book

    def clean(self) -> None:
        if self.per_units is not None and self.per_units <= 0:
            raise ValidationError({"per_units": "Must be more than zero."})
        if not self.meters.split():
            raise ValidationError({"meters": "Name at least one usage key."})

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
        )


class RateTier(PriceBookPart):
    rate = models.ForeignKey(Rate, on_delete=models.CASCADE, related_name="tiers")
    start = models.DecimalField(
        default=Decimal(0), help_text="First unit of this band.", **QUANTITY_DIGITS
    )
    price = models.DecimalField(help_text="Price per the rate's units, in USD.", **PRICE_DIGITS)

    class Meta:
        ordering = ["start"]
        constraints = [models.UniqueConstraint(fields=["rate", "start"], name="unique_tier_start")]

    def __str__(self) -> str:
        return f"from {self.start}: {self.price}"

    def owning_book(self) -> PriceBook:
        return self.rate.service.price_book
