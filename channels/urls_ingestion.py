"""Pages of the inbound side, in the "channels" namespace under /inbox/: the quarantine for team
leads and the screen-pop fragment for agents."""

from django.urls import path

from . import views_ingestion
from .ingestion.setup import register_navigation

urlpatterns = [
    path("quarantaine/", views_ingestion.quarantine, name="quarantine"),
    path("quarantaine/<int:pk>/", views_ingestion.quarantine_detail, name="quarantine_detail"),
    path("quarantaine/<int:pk>/origineel/", views_ingestion.quarantine_download, name="quarantine_download"),
    path("quarantaine/<int:pk>/opnieuw/", views_ingestion.quarantine_reprocess, name="quarantine_reprocess"),
    path("schermpop/", views_ingestion.screen_pops, name="screen_pops"),
    path("schermpop/<int:pk>/sluiten/", views_ingestion.screen_pop_dismiss_view, name="screen_pop_dismiss"),
]

# The menu item belongs with the page it opens. Registration is idempotent, so calling
# register_navigation() from ChannelsConfig.ready() as well is harmless.
register_navigation()
