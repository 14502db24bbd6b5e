from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("afdeling/<int:pk>/", views.department, name="department"),
    path("mijn-cijfers/", views.my_figures, name="my_figures"),
    path("medewerker/<int:pk>/", views.agent, name="agent"),
    path("klantcontacten/", views.contacts, name="contacts"),
    path("doorverbindingen/", views.transfers, name="transfers"),
    path("terugbelverzoeken/", views.callbacks, name="callbacks"),
    path("maandrapport/", views.monthly_report, name="report"),
]
