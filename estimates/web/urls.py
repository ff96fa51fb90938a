"""Every HTML page of the site, by namespace; the JSON API's routes are in estimates/api/urls.py."""

from django.urls import include, path

from estimates.web.views import (
    billing_import,
    compare,
    editor,
    health,
    prices,
    saved,
    terms,
    terraform_import,
)

# The editor: a new estimate, its live recompute, save, and a Terraform plan or a bill as a start.
editor_patterns = [
    path("", editor.estimate_new, name="new"),
    path("preview", editor.estimate_preview, name="preview"),
    path("save", editor.estimate_save, name="save"),
    path("import/terraform", terraform_import.terraform_import, name="import_terraform"),
    path("import/billing", billing_import.billing_import, name="import_billing"),
]

# A saved estimate, by its public UUID: the page, its CSV, and repricing it with today's book.
saved_patterns = [
    path("<uuid:public_id>/", saved.estimate_detail, name="detail"),
    path("<uuid:public_id>/export.csv", saved.estimate_csv, name="csv"),
    path("<uuid:public_id>/reprice", saved.estimate_reprice, name="reprice"),
]

# Two saved estimates side by side.
compare_patterns = [
    path("<uuid:a>/", compare.compare_pick, name="pick"),
    path("<uuid:a>/<uuid:b>/", compare.compare_detail, name="detail"),
    path("<uuid:a>/<uuid:b>/export.csv", compare.compare_csv, name="csv"),
]

# The price books, and what changed between two of them.
prices_patterns = [
    path("", prices.price_books, name="index"),
    path("<int:book_id>/", prices.price_book_detail, name="detail"),
    path("compare/<int:old_id>/<int:new_id>/", prices.price_book_compare, name="compare"),
]

# Named terms: an organisation's agreement, typed once and applied to many estimates.
terms_patterns = [
    path("", terms.terms_index, name="index"),
    path("<uuid:public_id>/", terms.terms_detail, name="detail"),
]

urlpatterns = [
    path("", include((editor_patterns, "estimates"))),
    path("e/", include((saved_patterns, "saved"))),
    path("compare/", include((compare_patterns, "compare"))),
    path("prices/", include((prices_patterns, "prices"))),
    path("terms/", include((terms_patterns, "terms"))),
    # For load balancers: the app and its database answer. No namespace.
    path("healthz", health.healthz, name="healthz"),
]
