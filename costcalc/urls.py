from django.contrib import admin
from django.urls import include, path

from estimates.views.health import healthz

urlpatterns = [
    path("", include("estimates.urls")),
    path("e/", include("estimates.saved_urls")),
    path("compare/", include("estimates.compare_urls")),
    path("prices/", include("estimates.prices_urls")),
    path("api/v1/", include("estimates.api_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
