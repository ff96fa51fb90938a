"""The price books, drafts included, and what changed between two of them."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from estimates.models import PriceBook
from estimates.prices.changes import compare_catalogs


@require_GET
def price_books(request: HttpRequest) -> HttpResponse:
    """Every price book, newest first; `?old=&new=` from the compare form goes to the comparison."""
    books = list(PriceBook.objects.select_related("copied_from").order_by("-effective_date", "-id"))
    ids = {str(book.pk) for book in books}
    old, new = request.GET.get("old", ""), request.GET.get("new", "")
    if old in ids and new in ids:
        return redirect("prices:compare", int(old), int(new))
    return render(
        request,
        "prices/index.html",
        {
            "books": books,
            "current": PriceBook.objects.current(),
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
