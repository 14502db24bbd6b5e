import pytest
from django.core.cache import cache
from django.urls import reverse

from kcc.core.tasks import HEARTBEAT_KEY, worker_heartbeat

pytestmark = pytest.mark.django_db


def test_readiness_fails_without_a_worker_heartbeat(client):
    cache.delete(HEARTBEAT_KEY)
    response = client.get(reverse("core:health_ready") + "?format=json")
    assert response.status_code == 500
    body = response.json()
    assert any("WorkerHeartbeat" in key and "heartbeat" in value.lower() for key, value in body.items())


def test_readiness_passes_with_database_redis_and_a_live_worker(client):
    worker_heartbeat()  # what the worker does every minute
    response = client.get(reverse("core:health_ready") + "?format=json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert any(key.startswith("Redis") for key in body)
    assert all(value == "OK" for value in body.values())


def test_security_txt_is_published(client, settings):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Contact: mailto:{settings.KCC_SECURITY_CONTACT}" in text
    assert "Expires: " in text
