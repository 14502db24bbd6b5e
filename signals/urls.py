from django.urls import path

from . import views

app_name = "signals"

urlpatterns = [
    path("", views.board, name="board"),
    path("lijst/", views.signal_list_view, name="list"),
    path("melden/", views.signal_create, name="create"),
    path("melden/vergelijkbaar/", views.similar, name="similar"),
    path("ik-zie-dit-ook/", views.support, name="support"),
    path("overleg/", views.report, name="report"),
    path("overleg/export.csv", views.report_csv, name="report_csv"),
    path("<int:pk>/", views.signal_detail, name="detail"),
    path("<int:pk>/status/", views.signal_transition, name="transition"),
    path("<int:pk>/eigenaar/", views.signal_assign, name="assign"),
    path("<int:pk>/reacties/", views.comment_add, name="comment"),
    path("<int:pk>/contacten/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/contacten/<int:evidence_pk>/ontkoppelen/", views.evidence_remove, name="evidence_remove"),
    path("<int:pk>/samenvoegen/", views.signal_merge, name="merge"),
    path("<int:pk>/gezien/", views.outcome_seen, name="seen"),
]
