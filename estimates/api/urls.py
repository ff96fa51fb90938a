"""The JSON API's routes, under /api/v1/ (namespace api)."""

from django.urls import path

from estimates.api import docs, views

app_name = "api"

urlpatterns = [
    path("services", views.services, name="services"),
    path("quote", views.quote, name="quote"),
    path("estimates", views.estimate_create, name="estimates"),
    # A str, not a uuid, converter: a malformed id gets the API's JSON 404, not the HTML page.
    path("estimates/<str:public_id>", views.estimate_detail, name="estimate"),
    path("terms", views.terms_create, name="terms"),
    path("terms/<str:public_id>", views.terms_detail, name="named_terms"),
    path("import/terraform", views.import_terraform, name="import_terraform"),
    path("import/billing", views.import_billing, name="import_billing"),
    path("openapi.json", docs.openapi_document, name="openapi"),
    path("docs", docs.api_reference, name="docs"),
    path("compare/<str:a>/<str:b>", views.compare, name="compare"),
]
