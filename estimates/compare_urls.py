from django.urls import path

from .views import compare

app_name = "compare"

urlpatterns = [
    path("<uuid:a>/", compare.compare_pick, name="pick"),
    path("<uuid:a>/<uuid:b>/", compare.compare_detail, name="detail"),
    path("<uuid:a>/<uuid:b>/export.csv", compare.compare_csv, name="csv"),
]
