from django.urls import path

from . import views

app_name = "callbacks"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("mijn/", views.mine, name="mine"),
    path("per-afdeling/", views.overview, name="overview"),
    path("nieuw/", views.create, name="create"),
    path("klantcontact/<int:contact_pk>/", views.create_from_contact, name="create_from_contact"),
    path("termijn/", views.deadline_preview, name="deadline_preview"),
    path("collega-keuzes/", views.colleague_options, name="colleague_options"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/oppakken/", views.claim, name="claim"),
    path("<int:pk>/vrijgeven/", views.release, name="release"),
    path("<int:pk>/belpoging/", views.attempt, name="attempt"),
    path("<int:pk>/afronden/", views.close, name="close"),
    path("<int:pk>/annuleren/", views.cancel, name="cancel"),
    path("<int:pk>/doorzetten/", views.reassign, name="reassign"),
]
