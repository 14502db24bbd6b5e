"""Browser test of the quarantine: a team lead finds a malformed mail, downloads the original
and reprocesses it, by keyboard, with axe checks on both pages."""

import pytest

from channels.constants import InboundSource, InboundStatus
from channels.ingestion import ingest_email
from channels.models import InboundRaw

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_team_lead_reprocesses_a_quarantined_mail_by_keyboard(page, live_server, login_page, teamlead, axe, monkeypatch):
    import channels.ingestion.email_ingest as module

    real = module.parse_email
    state = {"broken": True}

    def parser(*args, **kwargs):
        if state["broken"]:
            raise ValueError("tijdelijke storing in de verwerking")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "parse_email", parser)
    raw = (
        b"From: Jan Jansen <jan.jansen@example.nl>\r\nTo: kcc@voorbeeldstad.example\r\n"
        b"Subject: Vraag over de afvalpas\r\nMessage-ID: <e2e-quarantaine@example.nl>\r\n\r\nMijn afvalpas is kwijt.\r\n"
    )
    raw_id = ingest_email(raw=raw, source=InboundSource.EMAIL_FILE).raw_id
    state["broken"] = False
    ingest_email(raw=b"\x00\x01 geen e-mail", source=InboundSource.EMAIL_FILE)

    login_page(page, "teamleider")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Quarantaine").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Quarantaine"
    assert page.get_by_test_id("quarantine-row").count() == 2
    assert page.get_by_text("ValueError: tijdelijke storing in de verwerking").is_visible()
    axe(page, context="quarantine list")

    page.get_by_role("link", name=f"bericht {raw_id}").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("raw-reason").inner_text() == "ValueError: tijdelijke storing in de verwerking"
    assert "Mijn afvalpas is kwijt." in page.locator("pre").inner_text()
    axe(page, context="quarantine detail")

    with page.expect_download() as download:
        page.get_by_role("link", name="Origineel downloaden").click()
    assert open(download.value.path(), "rb").read() == raw

    page.get_by_role("button", name="Opnieuw verwerken").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "verwerkt en opgeslagen bij klantcontact" in page.locator(".kcc-messages").inner_text()
    assert page.get_by_test_id("quarantine-row").count() == 1
    assert InboundRaw.objects.get(pk=raw_id).status == InboundStatus.PROCESSED
