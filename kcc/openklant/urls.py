from django.urls import path

from . import views

app_name = "openklant"

urlpatterns = [
    path("contact/<int:pk>/partij/", views.partij_panel, name="partij_panel"),
    path("contact/<int:pk>/partij/adres-overnemen/", views.address_adopt, name="address_adopt"),
]
