from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("inloggen/", views.login_view, name="login"),
    path("callback/", views.callback_view, name="callback"),
]
