from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("estimates.web.urls")),
    path("api/v1/", include("estimates.api.urls")),
    path("admin/", admin.site.urls),
]

# Under /api/v1/ a path no endpoint has, or a failure, is JSON too; elsewhere the HTML pages.
handler404 = "estimates.api.http.not_found"
handler500 = "estimates.api.http.server_error"
