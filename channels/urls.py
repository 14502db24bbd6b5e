"""URL map of the inbox app. Split by concept so that each part owns its own module."""

from django.urls import include, path

app_name = "channels"

urlpatterns = [
    path("", include("channels.urls_inbox")),
    path("", include("channels.urls_knowledge")),
    path("", include("channels.urls_advice")),
    path("", include("channels.urls_ingestion")),
    path("", include("channels.urls_customers")),
]
