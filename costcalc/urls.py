from django.contrib import admin
from django.urls import include, path

from estimates.health import healthz

urlpatterns = [
    path("", include("estimates.urls")),
    path("prices/", include("estimates.prices_urls")),
    path("api/v1/", include("estimates.api_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
