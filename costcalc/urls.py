from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("estimates.web.urls")),
    path("api/v1/", include("estimates.api.urls")),
    path("admin/", admin.site.urls),
]
