from django.urls import path

from .views import api

app_name = "api"

urlpatterns = [
    path("services", api.services, name="services"),
    path("quote", api.quote, name="quote"),
]
