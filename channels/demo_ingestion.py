"""Demo data of the inbound side: a handful of malformed mails in quarantine, so that team
leads see what the quarantine page looks like. Called from channels/demo.py: ``seed(out)``.

Idempotent: each demo payload has a fixed dedupe key, so a second run stores nothing.
"""

import random

from .constants import InboundSource, InboundStatus
from .ingestion import ingest_email
from .models import InboundRaw

DEMO_KEY = "demo:quarantine:"


def _demo_mails() -> list[tuple[str, bytes]]:
    garbage = bytes(random.Random(14020).getrandbits(8) for _ in range(2048))  # noqa: S311 - demo bytes
    nested = b"From: m.devries@example.nl\r\nSubject: Doorgestuurd, doorgestuurd, doorgestuurd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
    for depth in range(30):
        nested += b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (depth, depth + 1)
    nested += b"--b30\r\nContent-Type: text/plain\r\n\r\nKunt u mijn vraag over de parkeervergunning beantwoorden?\r\n"
    huge_header = (
        b"From: Nieuwsbrief <nieuws@example.com>\r\nSubject: Nieuwsbrief\r\nX-Tracking: "
        + b"a1b2c3d4e5" * 30_000
        + b"\r\n\r\nWeekoverzicht.\r\n"
    )
    form_dump = (
        b"Naam: Fatima El Idrissi\r\nAdres: Kerkstraat 12, 1011 AB Voorbeeldstad\r\nTelefoon: 06 12345678\r\n"
        b"Vraag: Wanneer wordt mijn grofvuil opgehaald?\r\n"
    )
    return [
        ("leeg", b""),
        ("binair", garbage),
        ("diep-genest", nested),
        ("enorme-header", huge_header),
        ("formulier-zonder-headers", form_dump),
    ]


def seed(out=print) -> None:
    existing = set(InboundRaw.objects.filter(dedupe_key__startswith=DEMO_KEY).values_list("dedupe_key", flat=True))
    created = 0
    for name, raw in _demo_mails():
        key = f"{DEMO_KEY}{name}"
        if key in existing:
            continue
        result = ingest_email(raw=raw, source=InboundSource.EMAIL_FILE, dedupe_key=key, meta={"demo": True, "path": f"demo/{name}.eml"})
        created += result.status == InboundStatus.QUARANTINED
    out(f"  quarantaine: {created} misvormde e-mails toegevoegd")
