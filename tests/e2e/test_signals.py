"""The signals board in a real browser: raise from a contact, "ik zie dit ook", the
department's response, and the resolution on the supporter's home page (Playwright + axe)."""

import re

import pytest
from django.utils import timezone

from channels.constants import Channel, ContactStatus
from channels.models import Contact, Transfer
from signals.models import Signal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def contact_for(agent, department, subject, question=""):
    return Contact.objects.create(
        channel=Channel.PHONE, subject=subject, question=question, topic_department=department,
        status=ContactStatus.OPEN, assigned_to=agent, claimed_at=timezone.now(), started_at=timezone.now(),
    )


def switch_user(page, login_page, username):
    page.context.clear_cookies()
    login_page(page, username)


def test_raise_support_respond_and_close_the_loop(page, live_server, login_page, axe, agent, agent2, backoffice_belastingen, belastingen):
    first = contact_for(agent, belastingen, "Belastingen onbereikbaar na aanslag", "Inwoner probeert al drie dagen Belastingen te bellen.")
    Transfer.objects.create(contact=first, to_department=belastingen, reason="Vraag over aanslag", from_user=agent)
    second = contact_for(agent2, belastingen, "Belastingen onbereikbaar, wil betalingsregeling")

    # 1. An agent raises a signal from the contact screen.
    login_page(page, "agent")
    page.goto(f"{live_server.url}/inbox/contact/{first.pk}/")
    panel = page.get_by_test_id("signal-panel")
    panel.get_by_role("link", name="Signaal melden").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_label("Titel").input_value() == "Belastingen onbereikbaar na aanslag"
    assert page.get_by_label("Betrokken afdeling").input_value() == str(belastingen.pk)
    page.get_by_label("Categorie").select_option("reachability")
    page.get_by_label("Impact op inwoners").select_option("high")
    page.get_by_label("Wat merkt de inwoner?").fill("Inwoners bellen drie keer en missen de bezwaartermijn.")
    axe(page, context="raise form")
    page.get_by_role("button", name="Signaal melden").click()
    page.wait_for_load_state("networkidle")
    signal = Signal.objects.get()
    assert page.url.endswith(f"/signalen/{signal.pk}/")
    assert page.get_by_test_id("signal-status").inner_text() == "Nieuw"
    assert "Klantcontacten die dit laten zien (1)" in page.content()
    axe(page, context="signal detail (agent)")

    # 2. Another agent adds evidence from another contact ("ik zie dit ook").
    switch_user(page, login_page, "agent2")
    page.goto(f"{live_server.url}/inbox/contact/{second.pk}/")
    panel = page.get_by_test_id("signal-panel")
    suggestion = panel.get_by_test_id("suggestion").filter(has_text="Belastingen onbereikbaar na aanslag")
    suggestion.get_by_role("button", name="Ik zie dit ook: voeg dit contact toe").click()
    page.get_by_text("Het signaal heeft nu 2 klantcontacten.").wait_for()
    assert signal.evidence.count() == 2

    # 3. The back office acknowledges, works on and resolves it, each time with a response.
    switch_user(page, login_page, "bo-belastingen")
    home = page.get_by_test_id("signals-department")
    home.get_by_role("link", name="Belastingen onbereikbaar na aanslag").click()
    page.wait_for_load_state("networkidle")
    evidence = page.get_by_test_id("evidence-list")
    assert "Belastingen onbereikbaar na aanslag" in evidence.inner_text()  # transferred to Belastingen
    assert "Klantcontact buiten jouw afdeling" in evidence.inner_text()  # the other one is not
    assert "wil betalingsregeling" not in page.content()
    axe(page, context="signal detail (back office)")
    for status, response in [
        ("Bevestigd", "Herkenbaar, we zetten extra mensen op de telefoon."),
        ("In behandeling", "Vanaf maandag twee extra collega's aan de lijn."),
        ("Opgelost", "De wachttijd is terug onder de vijf minuten; terugbelverzoeken binnen een dag."),
    ]:
        page.get_by_label(status, exact=True).check()
        page.get_by_label("Reactie aan het KCC").fill(response)
        page.get_by_role("button", name="Reactie opslaan").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_test_id("signal-status").inner_text() == status
        assert response in page.get_by_test_id("responses").inner_text()
    assert page.get_by_test_id("owner").inner_text() == "Petra Jansen"

    # 4. The first agent sees the resolution on the home page, and dismisses it.
    switch_user(page, login_page, "agent")
    outcomes = page.get_by_test_id("signal-outcomes")
    assert "De wachttijd is terug onder de vijf minuten" in outcomes.inner_text()
    axe(page, context="home with resolution")
    outcomes.get_by_role("button", name=re.compile("^Gezien")).click()
    page.get_by_test_id("signal-outcomes").get_by_role("listitem").first.wait_for(state="detached")
    page.reload()
    assert page.get_by_test_id("signal-outcomes").count() == 0


def test_similar_signals_appear_while_typing_and_the_agent_adds_evidence_instead(page, live_server, login_page, axe, agent, agent2, belastingen):
    existing = Signal.objects.create(
        title="Brief parkeervergunning onduidelijk", description="Kenteken ontbreekt in de brief.", category="knowledge",
        department=belastingen, raised_by=agent2, ack_due=timezone.localdate(),
    )
    contact = contact_for(agent, belastingen, "")
    login_page(page, "agent")
    page.goto(f"{live_server.url}/signalen/melden/?contact={contact.pk}")
    page.get_by_label("Titel").press_sequentially("parkeervergunning brief", delay=20)
    status = page.locator("#similar-status")
    status.filter(has_text="1 vergelijkbaar openstaand signaal gevonden.").wait_for()
    suggestion = page.get_by_test_id("suggestion").filter(has_text="Brief parkeervergunning onduidelijk")
    axe(page, context="raise form with suggestions")
    suggestion.get_by_role("button", name="Ik zie dit ook: voeg dit contact toe").click()
    page.get_by_text("Het signaal heeft nu 1 klantcontact.").wait_for()
    assert list(existing.evidence.values_list("contact_id", flat=True)) == [contact.pk]
    assert Signal.objects.count() == 1


def test_board_columns_are_headed_lists_operable_by_keyboard(page, live_server, login_page, axe, agent, belastingen):
    Signal.objects.create(
        title="Afvalpas werkt niet", description="x", category="system", department=belastingen, raised_by=agent, ack_due=timezone.localdate(),
    )
    login_page(page, "agent")
    page.goto(f"{live_server.url}/signalen/")
    for name in ("Nieuw", "Bevestigd", "In behandeling", "Opgelost", "Afgewezen"):
        assert page.get_by_role("heading", name=re.compile(f"^{name}")).count() == 1
    column = page.get_by_test_id("column-new")
    assert column.get_by_role("listitem").count() == 1
    axe(page, context="board")
    link = column.get_by_role("link", name="Afvalpas werkt niet")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Afvalpas werkt niet"
