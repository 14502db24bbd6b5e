"""Demo: a few web-form and portal submissions in the inbox, filed through the real path (stored
raw, then processed by channels.ingestion.webform), in the words of the organisation profile."""

import json
from datetime import timedelta

from django.utils import timezone

from kcc.core.terminology import is_corporation

from .constants import InboundSource
from .ingestion.store import store_raw
from .ingestion.webform import process_webform

MUNICIPAL = [
    ("melding-openbare-ruimte", "Melding openbare ruimte", "email", [
        ("Wat wilt u melden?", "Losliggende stoeptegels"), ("Waar?", "Dorpsstraat 12, bij de bushalte"),
        ("Toelichting", "Er is vanochtend iemand over gestruikeld."),
    ]),
    ("vraag-afval", "Vraag over afval", "email", [
        ("Onderwerp", "Grofvuil ophalen"), ("Uw vraag", "Kan ik een afspraak maken voor het ophalen van een bank?"),
    ]),
    ("mijn-gemeente-bericht", "Bericht via Mijn Gemeente", "portal", [
        ("Onderwerp", "Parkeervergunning"), ("Uw vraag", "Mijn vergunning is verlopen; hoe verleng ik hem?"),
    ]),
]
CORPORATION = [
    ("reparatieverzoek", "Reparatieverzoek", "portal", [
        ("Wat is er kapot?", "Lekkage onder het aanrecht"), ("Ruimte", "Keuken"),
        ("Wanneer bent u thuis?", "Dinsdag en donderdag na 13.00 uur"),
    ]),
    ("overlast-melden", "Overlast melden", "portal", [
        ("Soort overlast", "Geluid"), ("Toelichting", "De bovenburen draaien 's nachts harde muziek."),
    ]),
    ("huur-opzeggen", "Huur opzeggen", "email", [
        ("Gewenste einddatum", "31 maart"), ("Nieuw adres", "Kerkstraat 4, Voorbeeldstad"),
    ]),
]


def seed(out) -> None:
    now = timezone.now()
    forms = CORPORATION if is_corporation() else MUNICIPAL
    made = 0
    for index, (form_id, name, route, fields) in enumerate(forms, start=1):
        payload = {
            "form_id": form_id,
            "form_name": name,
            "submission_id": f"DEMO-{form_id}-{index}",
            "submitted_at": (now - timedelta(minutes=20 * index)).isoformat(),
            "submitter": {"name": "Demo Inzender", "email": f"demo.inzender{index}@voorbeeldmail.nl"},
            "fields": [{"label": label, "value": value} for label, value in fields],
            "reply": {"channel": route, **({"portal_reference": f"demo-gesprek-{index}"} if route == "portal" else {})},
        }
        raw, created = store_raw(
            source=InboundSource.WEBFORM_WEBHOOK, payload=json.dumps(payload).encode(), dedupe_key=f"webform-webhook:demo-{form_id}",
            meta={"demo": True},
        )
        if created:
            process_webform(raw.pk)
            made += 1
    out(f"  webformulieren: {made} inzendingen toegevoegd")
