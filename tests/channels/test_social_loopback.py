"""The WhatsApp reply in the demo: `make run` (dev settings) wires a loopback outbound sink, so a
reply works without an adapter; everywhere else a missing adapter is explained in the agent's
words, without a setting name."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from channels.constants import Channel, DeliveryStatus, Direction
from channels.models import Message
from tests.channels.factories import ContactFactory, MessageFactory

pytestmark = pytest.mark.django_db


def whatsapp_contact(agent):
    contact = ContactFactory(channel=Channel.WHATSAPP, external_id="wa-demo-1", subject="Vraag via WhatsApp", claimed=True, assigned_to=agent)
    MessageFactory(contact=contact, channel=Channel.WHATSAPP, sender_address="+31612345678", provider_message_id="wamid.IN1", message_id="")
    return contact


def test_with_the_loopback_the_reply_is_stored_as_sent(login, agent, settings, caplog):
    settings.KCC_SOCIAL_OUTBOUND_URL = ""
    settings.KCC_SOCIAL_OUTBOUND_LOOPBACK = True
    contact = whatsapp_contact(agent)
    caplog.set_level("INFO", logger="channels.outbound")
    response = login(agent).post(reverse("channels:contact_reply", args=[contact.pk]), {"text": "Uw afspraak staat op dinsdag."}, follow=True)
    assert response.status_code == 200
    reply = Message.objects.get(contact=contact, direction=Direction.OUTBOUND)
    assert reply.delivery_status == DeliveryStatus.SENT and reply.provider_message_id.startswith("loopback-")
    assert "Je antwoord is verstuurd." in response.content.decode()
    assert "Uw afspraak" not in caplog.text  # the loopback logs no personal data


def test_without_adapter_and_loopback_the_agent_gets_plain_words(login, agent, settings):
    settings.KCC_SOCIAL_OUTBOUND_URL = ""
    settings.KCC_SOCIAL_OUTBOUND_LOOPBACK = False
    contact = whatsapp_contact(agent)
    response = login(agent).post(reverse("channels:contact_reply", args=[contact.pk]), {"text": "Tekst die blijft"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Antwoorden via WhatsApp en sociale media staan voor deze organisatie nog niet aan" in html
    assert "KCC_SOCIAL_OUTBOUND_URL" not in html and "Tekst die blijft" in html
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def _setting_in(module: str, **env) -> str:
    code = f"import {module} as s; print(s.KCC_SOCIAL_OUTBOUND_LOOPBACK)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KCC_"))}
    result = subprocess.run([sys.executable, "-c", code], cwd=django_settings.BASE_DIR, env={**clean, **env}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_only_the_dev_settings_turn_the_loopback_on():
    assert _setting_in("kcc.settings.dev") == "True"
    assert _setting_in("kcc.settings.test") == "False"
    prod_env = {"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "kcc.example", "DATABASE_URL": "postgres://u@localhost/x", "REDIS_URL": "redis://localhost:6379/0"}
    assert _setting_in("kcc.settings.prod", **prod_env) == "False"
