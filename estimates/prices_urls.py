from django.urls import path

from .views import prices

app_name = "prices"

urlpatterns = [
    path("", prices.price_books, name="index"),
    path("compare/<int:old_id>/<int:new_id>/", prices.price_book_compare, name="compare"),
]
