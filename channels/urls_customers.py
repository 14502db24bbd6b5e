"""Customer pages of the inbox (the "channels" namespace): the timeline and the duplicate list."""

from django.urls import path

from . import views_customers

urlpatterns = [
    path("klanten/<int:pk>/tijdlijn/", views_customers.customer_timeline, name="customer_timeline"),
    path("klanten/dubbele/", views_customers.customer_duplicates, name="customer_duplicates"),
]
