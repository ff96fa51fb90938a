from django.urls import path

from .views import api, api_docs

app_name = "api"

urlpatterns = [
    path("services", api.services, name="services"),
    path("quote", api.quote, name="quote"),
    path("estimates", api.estimate_create, name="estimates"),
    # A str, not a uuid, converter: a malformed id gets the API's JSON 404, not the HTML page.
    path("estimates/<str:public_id>", api.estimate_detail, name="estimate"),
    path("import/terraform", api.import_terraform, name="import_terraform"),
    path("openapi.json", api_docs.openapi_document, name="openapi"),
    path("docs", api_docs.api_reference, name="docs"),
    path("compare/<str:a>/<str:b>", api.compare, name="compare"),
]
