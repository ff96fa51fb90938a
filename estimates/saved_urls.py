from django.urls import path

from .views import saved

app_name = "saved"

urlpatterns = [
    path("<uuid:public_id>/", saved.estimate_detail, name="detail"),
    path("<uuid:public_id>/export.csv", saved.estimate_csv, name="csv"),
    path("<uuid:public_id>/reprice", saved.estimate_reprice, name="reprice"),
]
