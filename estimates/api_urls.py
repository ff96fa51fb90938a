from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("services", api.services, name="services"),
    path("quote", api.quote, name="quote"),
]
