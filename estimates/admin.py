"""The admin for price books: drafts are edited here, published books are only looked at.

A published book and every row in it are read-only (no change, add or delete permission), so
Django renders them as a view-only page. "Copy to a new draft" and "Publish" are admin actions and
buttons on a book's page. The models refuse to change a published book anyway; should that ever
happen under the admin (a book published meanwhile), the user gets a message, never a 500.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from estimates.models import (
    PriceBook,
    PublishedPriceBookError,
    Rate,
    RateTier,
    Service,
    UsageInput,
    Waiver,
)


def book_of(obj: object) -> PriceBook | None:
    """The price book an admin object belongs to, or None for a new object."""
    if obj is None or getattr(obj, "pk", None) is None:
        return None
    if isinstance(obj, PriceBook):
        return obj
    return obj.owning_book()  # type: ignore[attr-defined]


def is_frozen(obj: object) -> bool:
    """Whether the object is, or belongs to, a published book."""
    book = book_of(obj)
    return book is not None and book.stored_is_published()


class FrozenWhenPublished:
    """Permissions for a published book's rows: view only."""

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not is_frozen(obj) and super().has_delete_permission(request, obj)


class FrozenInline(FrozenWhenPublished):
    """An inline's `obj` is its parent: nothing is added to a published book either."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return not is_frozen(obj) and super().has_add_permission(request, obj)


class GuardedAdmin(FrozenWhenPublished, admin.ModelAdmin):
    """Turns a model's refusal to change a published book into a message."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PublishedPriceBookError as error:
            return self.refused(request, error)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except PublishedPriceBookError as error:
            return self.refused(request, error)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except PublishedPriceBookError as error:
            return self.refused(request, error)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        # One by one, so that each row's own guard runs (QuerySet.delete skips it).
        with transaction.atomic():
            for obj in queryset:
                obj.delete()

    def refused(self, request: HttpRequest, error: PublishedPriceBookError) -> HttpResponse:
        self.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(request.path)


def draft_books() -> QuerySet:
    return PriceBook.objects.filter(status=PriceBook.Status.DRAFT)


# ---------------------------------------------------------------------------------------------
# Price books


class ServiceInline(FrozenInline, admin.TabularInline):
    model = Service
    fields = ("code", "name", "aws_offer_code", "position")
    show_change_link = True


@admin.register(PriceBook)
class PriceBookAdmin(GuardedAdmin):
    list_display = ("name", "effective_date", "status", "published_at", "copied_from")
    list_filter = ("status",)
    list_select_related = ("copied_from",)
    search_fields = ("name",)
    fields = (
        "name",
        "effective_date",
        "source_note",
        "status",
        "published_at",
        "copied_from",
        "created_at",
    )
    # Status moves only through Publish, which also stamps published_at.
    readonly_fields = ("status", "published_at", "copied_from", "created_at")
    inlines = (ServiceInline,)
    actions = ("copy_to_new_draft", "publish_drafts")

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/copy-to-draft/",
                self.admin_site.admin_view(self.copy_view),
                name="estimates_pricebook_copy",
            ),
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="estimates_pricebook_publish",
            ),
        ]
        return own + super().get_urls()

    @admin.action(description="Copy to a new draft", permissions=("add",))
    def copy_to_new_draft(self, request: HttpRequest, queryset: QuerySet) -> None:
        for book in queryset.order_by("id"):
            self.copy(request, book)

    @admin.action(description="Publish (drafts only)", permissions=("change",))
    def publish_drafts(self, request: HttpRequest, queryset: QuerySet) -> None:
        for book in queryset.order_by("effective_date", "id"):
            self.publish(request, book)

    @method_decorator(require_POST)
    def copy_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The "Copy to a new draft" button: a draft copy, then its page."""
        book = self.book_or_404(request, object_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        draft = self.copy(request, book)
        return HttpResponseRedirect(reverse("admin:estimates_pricebook_change", args=[draft.pk]))

    @method_decorator(require_POST)
    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The "Publish" button, on a draft's page."""
        book = self.book_or_404(request, object_id)
        if not self.has_change_permission(request):
            raise PermissionDenied
        self.publish(request, book)
        return HttpResponseRedirect(reverse("admin:estimates_pricebook_change", args=[book.pk]))

    def book_or_404(self, request: HttpRequest, object_id: str) -> PriceBook:
        book = self.get_object(request, object_id)
        if book is None:
            raise Http404("No such price book.")
        return book

    def copy(self, request: HttpRequest, book: PriceBook) -> PriceBook:
        draft = book.copy_to_draft()
        url = reverse("admin:estimates_pricebook_change", args=[draft.pk])
        self.message_user(
            request,
            format_html('Copied “{}” to the new draft <a href="{}">{}</a>.', book, url, draft),
            messages.SUCCESS,
        )
        return draft

    def publish(self, request: HttpRequest, book: PriceBook) -> None:
        try:
            book.publish()
        except PublishedPriceBookError:
            self.message_user(request, f"“{book.name}” is already published.", messages.WARNING)
            return
        current = PriceBook.objects.current()
        if current is not None and current.pk == book.pk:
            self.message_user(
                request,
                f"Published “{book.name}”: new estimates are priced with it.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                f"Published “{book.name}”, but “{current}” has a later effective date and "
                "stays the book for new estimates.",
                messages.WARNING,
            )


# ---------------------------------------------------------------------------------------------
# Services, their usage inputs and rates, and the rates' tiers


class UsageInputInline(FrozenInline, admin.TabularInline):
    model = UsageInput
    fields = (
        "key",
        "label",
        "unit",
        "help",
        "min_value",
        "max_value",
        "whole",
        "at_most_key",
        "at_most_factor",
        "requires_key",
        "position",
    )


class RateInline(FrozenInline, admin.TabularInline):
    model = Rate
    fields = (
        "code",
        "label",
        "meters",
        "region",
        "per_units",
        "unit",
        "free_units",
        "commitment_months",
        "pooling",
        "grade",
        "aws_usage_type",
        "position",
    )
    show_change_link = True


class WaiverInline(FrozenInline, admin.TabularInline):
    model = Waiver
    fields = (
        "flag",
        "rate_codes",
        "requires_service",
        "requires_key",
        "reason",
        "source",
        "position",
    )


@admin.register(Service)
class ServiceAdmin(GuardedAdmin):
    list_display = ("code", "name", "price_book", "aws_offer_code", "position")
    list_filter = ("price_book",)
    list_select_related = ("price_book",)
    search_fields = ("code", "name")
    inlines = (UsageInputInline, RateInline, WaiverInline)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "price_book":
            kwargs["queryset"] = draft_books()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RateTierInline(FrozenInline, admin.TabularInline):
    model = RateTier
    fields = ("start", "price")


@admin.register(Rate)
class RateAdmin(GuardedAdmin):
    list_display = ("__str__", "label", "region", "book", "grade", "aws_usage_type")
    list_filter = ("service__price_book", "region", "grade")
    list_select_related = ("service__price_book",)
    search_fields = ("code", "label", "aws_usage_type", "service__code")
    inlines = (RateTierInline,)

    @admin.display(description="Price book", ordering="service__price_book")
    def book(self, rate: Rate) -> PriceBook:
        return rate.service.price_book

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service":
            kwargs["queryset"] = Service.objects.filter(
                price_book__status=PriceBook.Status.DRAFT
            ).select_related("price_book")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
