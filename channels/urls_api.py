"""Inbound integration endpoints (signed webhooks). Mounted under /api/inbound/.
Contracts: docs/integrations.md."""

from django.urls import path

from . import views_ingestion

app_name = "inbound"

urlpatterns = [
    path("email/", views_ingestion.inbound_email, name="email"),
    path("phone/", views_ingestion.inbound_phone, name="phone"),
    path("social/meta/", views_ingestion.meta_webhook, name="meta"),
    path("webform/", views_ingestion.inbound_webform, name="webform"),
]
