"""Losing the PostgreSQL connection mid-request gives a clean 503 page, and the app recovers."""

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def _kill_django_connection():
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"], autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_connection_loss_gives_503_without_traceback_and_recovers(agent, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(agent)
    assert client.get(reverse("core:home")).status_code == 200

    _kill_django_connection()
    response = client.get(reverse("core:home"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "Tijdelijk niet beschikbaar" in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert response["Retry-After"] == "30"

    assert client.get(reverse("core:home")).status_code == 200
