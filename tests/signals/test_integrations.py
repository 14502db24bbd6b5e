"""What signals contribute to other screens: the home page, the contact screen, the customer
timeline, and the resolution loop into the knowledge base."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from knowledgebase.models import ArticleVersion
from knowledgebase.services import article_create, article_publish
from signals import services
from signals.constants import SignalCategory, SignalStatus
from signals.models import Signal
from tests.core.factories import CustomerFactory

from .factories import ContactFactory, EvidenceFactory, SignalFactory, TransferFactory

pytestmark = pytest.mark.django_db


def html(response):
    return response.content.decode()


def walk_to(user, signal, *statuses):
    for status in statuses:
        services.signal_transition(user=user, signal=signal, to_status=status, response=f"Stap {status}")


# --- home page ------------------------------------------------------------------------------


def test_supporters_see_the_resolution_on_their_home_page_until_seen(login, agent, agent2, backoffice_belastingen, belastingen):
    signal = services.signal_raise(user=agent, title="Brief parkeervergunning onduidelijk", description="x", category=SignalCategory.PROCESS, department=belastingen, contact=ContactFactory())
    services.signal_evidence_add(user=agent2, signal=signal, contact=ContactFactory())
    walk_to(backoffice_belastingen, signal, SignalStatus.ACKNOWLEDGED, SignalStatus.IN_PROGRESS)
    services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=SignalStatus.RESOLVED, response="De brief is herschreven en gaat vanaf 1 april mee.")

    client = login(agent)
    body = html(client.get(reverse("core:home")))
    assert "Opgeloste signalen die je steunde" in body
    assert "De brief is herschreven" in body
    response = client.post(reverse("signals:seen", args=[signal.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    assert "Opgeloste signalen die je steunde" not in html(client.get(reverse("core:home")))
    # agent2 has not seen it yet; opening the signal counts as seeing it.
    client = login(agent2)
    assert "De brief is herschreven" in html(client.get(reverse("core:home")))
    client.get(reverse("signals:detail", args=[signal.pk]))
    assert "Opgeloste signalen die je steunde" not in html(client.get(reverse("core:home")))


def test_department_home_lists_signals_waiting_for_a_response(login, backoffice_belastingen, belastingen, burgerzaken):
    SignalFactory(department=belastingen, title="Wacht op Belastingen")
    SignalFactory(department=belastingen, title="Al bevestigd", acknowledged=True)
    SignalFactory(department=burgerzaken, title="Wacht op Burgerzaken")
    body = html(login(backoffice_belastingen).get(reverse("core:home")))
    assert "Signalen voor jouw afdeling" in body
    assert "Wacht op Belastingen" in body
    assert "Al bevestigd" not in body and "Wacht op Burgerzaken" not in body


def test_teamlead_home_shows_overdue_signals_of_every_department(login, teamlead, belastingen):
    from django.utils import timezone

    SignalFactory(department=belastingen, title="Te laat", raised_at=timezone.now() - timezone.timedelta(days=20))
    SignalFactory(department=belastingen, title="Op tijd")
    body = html(login(teamlead).get(reverse("core:home")))
    assert "Signalen over de reactietermijn" in body
    assert "Te laat" in body and "Op tijd" not in body


def test_navigation_has_the_signals_board_for_every_role(login, agent, backoffice_belastingen):
    for user in (agent, backoffice_belastingen):
        assert reverse("signals:board") in html(login(user).get(reverse("core:home")))


# --- contact screen panel ----------------------------------------------------------------------


def test_contact_panel_offers_raise_and_i_see_this_too(agent, belastingen):
    from channels.panels import panels_for

    similar = SignalFactory(title="Belastingen onbereikbaar na aanslagen", department=belastingen)
    linked = SignalFactory(title="Al gekoppeld signaal", department=belastingen)
    contact = ContactFactory(subject="Belastingen niet bereikbaar", topic_department=belastingen)
    EvidenceFactory(signal=linked, contact=contact)
    request = RequestFactory().get(f"/inbox/{contact.pk}/")
    request.user = agent
    panel = next(p for p in panels_for(request, contact) if p["template"] == "signals/panels/contact.html")
    ctx = panel["context"]
    assert [s.pk for s in ctx["linked"]] == [linked.pk]
    assert [s.pk for s in ctx["suggestions"]] == [similar.pk]
    assert ctx["create_url"] == f"{reverse('signals:create')}?contact={contact.pk}"
    from django.template.loader import render_to_string

    rendered = render_to_string(panel["template"], {"ctx": ctx, "request": request}, request=request)
    assert "Ik zie dit ook: voeg dit contact toe" in rendered
    assert "Signaal melden" in rendered


def test_contact_panel_is_not_offered_to_the_back_office(backoffice_belastingen, belastingen):
    from channels.panels import panels_for

    contact = ContactFactory()
    request = RequestFactory().get("/")
    request.user = backoffice_belastingen
    assert not [p for p in panels_for(request, contact) if p["template"] == "signals/panels/contact.html"]


# --- customer timeline ---------------------------------------------------------------------------


def test_customer_timeline_shows_signals_the_viewer_may_see(login, agent, backoffice_belastingen, backoffice_burgerzaken, belastingen, burgerzaken):
    customer = CustomerFactory()
    visible = ContactFactory(customer=customer)
    TransferFactory(contact=visible, to_department=belastingen)
    TransferFactory(contact=visible, to_department=burgerzaken)
    EvidenceFactory(signal=SignalFactory(department=belastingen, title="Signaal Belastingen"), contact=visible)
    EvidenceFactory(signal=SignalFactory(department=burgerzaken, title="Signaal Burgerzaken"), contact=visible)

    body = html(login(agent).get(reverse("core:customer_detail", args=[customer.pk])))
    assert "Signaal Belastingen" in body and "Signaal Burgerzaken" in body
    body = html(login(backoffice_belastingen).get(reverse("core:customer_detail", args=[customer.pk])))
    assert "Signaal Belastingen" in body and "Signaal Burgerzaken" not in body


# --- closing the loop: mandatory read ------------------------------------------------------------


@pytest.fixture
def article(backoffice_belastingen, belastingen):
    article = article_create(user=backoffice_belastingen, owner_department=belastingen, title="Hoe lees ik mijn aanslag?", body="Uitleg over de aanslag.")
    article_publish(user=backoffice_belastingen, article=article, summary="Eerste versie")
    article.refresh_from_db()
    return article


def test_resolving_with_an_article_flags_it_as_a_mandatory_read(backoffice_belastingen, belastingen, article):
    signal = SignalFactory(department=belastingen, in_progress=True, title="Aanslag onbegrijpelijk")
    services.signal_transition(
        user=backoffice_belastingen, signal=signal, to_status=SignalStatus.RESOLVED, response="Kennisartikel herschreven.",
        article=article, require_reading=True,
    )
    signal.refresh_from_db()
    assert signal.resolution_article == article and signal.resolution_required_reading
    version = ArticleVersion.objects.get(pk=article.current_version_id)
    assert version.is_mandatory
    assert f"#{signal.pk}" in version.mandatory_note and "Aanslag onbegrijpelijk" in version.mandatory_note


def test_resolving_through_the_screen_with_verplicht_lezen(login, backoffice_belastingen, belastingen, article, agent):
    signal = SignalFactory(department=belastingen, in_progress=True)
    client = login(backoffice_belastingen)
    page = html(client.get(reverse("signals:detail", args=[signal.pk])))
    assert "Verplicht lezen: elke KCC-medewerker moet het aangepaste artikel lezen" in page
    response = client.post(reverse("signals:transition", args=[signal.pk]), {
        "to_status": "resolved", "response": "Artikel aangepast.", "article": article.pk, "require_reading": "on",
    })
    assert response.status_code == 302
    assert ArticleVersion.objects.get(pk=article.current_version_id).is_mandatory
    body = html(login(agent).get(reverse("signals:detail", args=[signal.pk])))
    assert "Hoe lees ik mijn aanslag?" in body and "Verplicht lezen" in body


def test_mandatory_read_refused_by_the_knowledge_base_rolls_the_resolution_back(backoffice_burgerzaken, burgerzaken, belastingen, article):
    # Burgerzaken may not maintain a Belastingen article.
    signal = SignalFactory(department=burgerzaken, in_progress=True)
    from kcc.core.exceptions import DomainError

    with pytest.raises(DomainError) as exc:
        services.signal_transition(
            user=backoffice_burgerzaken, signal=signal, to_status=SignalStatus.RESOLVED, response="Opgelost",
            article=article, require_reading=True,
        )
    assert exc.value.field == "require_reading"
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.IN_PROGRESS
    assert not ArticleVersion.objects.get(pk=article.current_version_id).is_mandatory


def test_article_cannot_be_linked_when_not_resolving(backoffice_belastingen, belastingen, article):
    from kcc.core.exceptions import DomainError

    signal = SignalFactory(department=belastingen)
    with pytest.raises(DomainError):
        services.signal_transition(user=backoffice_belastingen, signal=signal, to_status=SignalStatus.ACKNOWLEDGED, response="ok", article=article)
