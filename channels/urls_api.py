"""Inbound integration endpoints (signed webhooks). Mounted under /api/inbound/."""

app_name = "inbound"

urlpatterns: list = []
