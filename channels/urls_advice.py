"""Transfer advice and reply tools of the desk, mounted under /inbox/ in the "channels" namespace."""

from django.urls import path

from . import views_advice

urlpatterns = [
    path("contact/<int:pk>/doorverbindadvies/", views_advice.contact_transfer_advice, name="contact_transfer_advice"),
    path("contact/<int:pk>/antwoord-invoegen/", views_advice.contact_reply_insert, name="contact_reply_insert"),
]
