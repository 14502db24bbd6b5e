from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.home, name="home"),
    path("klanten/", views.customer_search, name="customer_search"),
    path("klanten/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("klanten/<int:pk>/inzage/", views.customer_export, name="customer_export"),
    path("klanten/<int:pk>/wissen/", views.customer_erase, name="customer_erase"),
    path("klanten/<int:pk>/beperken/", views.customer_restrict, name="customer_restrict"),
    path("klanten/<int:pk>/bewaarplicht/", views.legal_hold_set, name="legal_hold_set"),
    path("bewaarplicht/<int:pk>/opheffen/", views.legal_hold_lift, name="legal_hold_lift"),
    path("bewaartermijnen/", views.retention, name="retention"),
    path("bewaartermijnen/<int:pk>/", views.retention_run, name="retention_run"),
    path("bewaartermijnen/<int:pk>/goedkeuren/", views.retention_approve, name="retention_approve"),
    path("verwerkingenlog/", views.processing_log, name="processing_log"),
]
