"""The price books, drafts included, and what changed between two of them."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from estimates.models import PriceBook
from estimates.prices.changes import compare_catalogs, coverage_gaps
from estimates.pricing.regions import BASELINE_REGIONS, region_name


@require_GET
def price_books(request: HttpRequest) -> HttpResponse:
    """Every price book, newest first; `?old=&new=` from the compare form goes to the comparison."""
    books = list(PriceBook.objects.select_related("copied_from").order_by("-effective_date", "-id"))
    ids = {str(book.pk) for book in books}
    old, new = request.GET.get("old", ""), request.GET.get("new", "")
    if old in ids and new in ids:
        return redirect("prices:compare", int(old), int(new))
    current = PriceBook.objects.current()
    return render(
        request,
        "prices/index.html",
        {
            "rows": [(book, _against_current(book, current)) for book in books],
            "books": books,
            "current": current,
            "compare_error": "Choose two price books to compare." if old or new else "",
        },
    )


@require_GET
def price_book_compare(request: HttpRequest, old_id: int, new_id: int) -> HttpResponse:
    """Rate by rate, what differs from one book to another: prices, tiers, free allowances."""
    old = get_object_or_404(PriceBook, pk=old_id)
    new = get_object_or_404(PriceBook, pk=new_id)
    comparison = compare_catalogs(old.catalog(), new.catalog())
    return render(
        request, "prices/compare.html", {"old": old, "new": new, "comparison": comparison}
    )


def _against_current(book: PriceBook, current: PriceBook | None) -> tuple[int, int] | None:
    """The comparison of a book with the current one, older book first; None when there is no
    other current book, or when the book's own "since" link already is that comparison."""
    if current is None or book.pk == current.pk or book.copied_from_id == current.pk:
        return None
    if (book.effective_date, book.pk) < (current.effective_date, current.pk):
        return book.pk, current.pk
    return current.pk, book.pk


@require_GET
def price_book_detail(request: HttpRequest, book_id: int) -> HttpResponse:
    """Every rate of a book by service and Region, filterable by both (a GET form), and what the
    book has no price for in the baseline Regions."""
    book = get_object_or_404(PriceBook, pk=book_id)
    catalog = book.catalog()
    services = [(code, spec.name) for code, spec in catalog.services.items()]
    regions = [(code, f"{region_name(code)} ({code})") for code in catalog.regions]
    service = request.GET.get("service", "")
    region = request.GET.get("region", "")
    errors = []
    if service and service not in catalog.services:
        errors.append(f"This book has no service {service!r}: showing every service.")
        service = ""
    if region and region not in catalog.regions:
        errors.append(f"This book has no prices in Region {region!r}: showing every Region.")
        region = ""
    gap_regions = (region,) if region else BASELINE_REGIONS
    gaps = [
        gap for gap in coverage_gaps(catalog, gap_regions) if not service or gap.service == service
    ]
    return render(
        request,
        "prices/detail.html",
        {
            "book": book,
            "rates": book.listed_rates(service, region),
            "services": services,
            "regions": regions,
            "service": service,
            "region": region,
            "errors": errors,
            "gaps": gaps,
        },
    )
