from django.urls import path

from . import health, palette, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("inloggen/", views.login_view, name="login"),
    path("uitloggen/", views.logout_view, name="logout"),
    path("ga-naar/", palette.palette_view, name="palette"),
    path("klanten/", views.customer_search, name="customer_search"),
    path("klanten/nieuw/", views.customer_create_view, name="customer_create"),
    path("klanten/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("klanten/<int:pk>/bsn/", views.customer_bsn, name="customer_bsn"),
    path("afdelingen/", views.department_list_view, name="department_list"),
    path("afdelingen/<int:pk>/", views.department_detail, name="department_detail"),
    path("health/", views.health, name="health"),
    path("health/ready/", health.readiness, name="health_ready"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
]
