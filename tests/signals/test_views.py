import pytest
from django.urls import reverse

from kcc.core.constants import LogAction, Purpose
from kcc.core.models import ProcessingLogEntry
from signals.constants import SignalStatus
from signals.models import Comment, Evidence, Signal, StatusChange
from tests.core.factories import CustomerFactory

from .factories import ContactFactory, EvidenceFactory, SignalFactory, TransferFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


# --- raising from a contact ---------------------------------------------------------------------


def test_raise_form_is_prefilled_from_the_contact(login, agent, belastingen):
    contact = ContactFactory(subject="Brief parkeervergunning onduidelijk", question="Wat moet ik invullen bij kenteken?", topic_department=belastingen)
    response = login(agent).get(reverse("signals:create") + f"?contact={contact.pk}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form["title"].value() == "Brief parkeervergunning onduidelijk"
    assert form["description"].value() == "Wat moet ik invullen bij kenteken?"
    assert form["department"].value() == belastingen.pk
    assert f'name="contact" id="signal-contact" value="{contact.pk}"' in html(response)


def test_posting_the_form_raises_the_signal_with_the_contact_as_evidence(login, agent, belastingen):
    contact = ContactFactory(topic_department=belastingen)
    response = login(agent).post(
        reverse("signals:create") + f"?contact={contact.pk}",
        {"title": "Aanslag onleesbaar", "description": "Inwoners snappen de aanslag niet.", "category": "process",
         "department": belastingen.pk, "impact": "medium", "contact": contact.pk, "note": "Belde boos"},
    )
    signal = Signal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("signals:detail", args=[signal.pk])
    assert list(signal.evidence.values_list("contact_id", "note")) == [(contact.pk, "Belde boos")]


def test_raise_form_errors_come_back_with_422_and_keep_the_input(login, agent, belastingen):
    response = login(agent).post(reverse("signals:create"), {"title": "", "description": "Veel uitleg", "category": "", "department": belastingen.pk, "impact": "medium"})
    assert response.status_code == 422
    assert "Veel uitleg" in html(response)
    assert not Signal.objects.exists()


def test_forged_contact_id_gives_404(login, backoffice_belastingen, agent, belastingen):
    assert login(agent).get(reverse("signals:create") + "?contact=999999").status_code == 404


def test_backoffice_may_not_raise_signals(login, backoffice_belastingen):
    assert login(backoffice_belastingen).get(reverse("signals:create")).status_code == 403


# --- duplicate suggestion ------------------------------------------------------------------------


def test_live_suggestions_show_similar_open_signals_with_i_see_this_too(login, agent, belastingen, burgerzaken):
    existing = SignalFactory(title="Belastingen onbereikbaar na aanslagen", department=belastingen)
    SignalFactory(title="Paspoort aanvragen duurt lang", department=burgerzaken)
    SignalFactory(title="Belastingen onbereikbaar in januari", department=belastingen, resolved=True)
    contact = ContactFactory()
    response = login(agent).get(
        reverse("signals:similar"), {"title": "belastingen niet bereikbaar", "department": belastingen.pk, "contact": contact.pk},
        HTTP_HX_REQUEST="true",
    )
    body = html(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert "Belastingen onbereikbaar na aanslagen" in body
    assert "Paspoort" not in body
    assert "in januari" not in body  # closed signals are not suggested
    assert reverse("signals:evidence_add", args=[existing.pk]) in body
    assert "Ik zie dit ook: voeg dit contact toe" in body
    assert f'name="seen_similar" value="{existing.pk}"' in body
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_submitting_a_duplicate_first_shows_the_similar_signals_before_saving(login, agent, belastingen):
    existing = SignalFactory(title="Aannemer komt afspraken niet na", department=belastingen)
    data = {"title": "Aannemer komt niet op afspraak", "description": "Stoep nog steeds kapot.", "category": "contractor",
            "department": belastingen.pk, "impact": "high"}
    client = login(agent)
    response = client.post(reverse("signals:create"), data)
    assert response.status_code == 200
    assert response.context["needs_confirmation"] is True
    assert [s.pk for s in response.context["similar"]] == [existing.pk]
    assert Signal.objects.count() == 1
    # Confirming that it is a different problem saves it.
    response = client.post(reverse("signals:create"), data | {"confirm_new": "1"})
    assert response.status_code == 302
    assert Signal.objects.count() == 2


def test_suggestions_already_seen_live_do_not_block_saving(login, agent, belastingen):
    existing = SignalFactory(title="Aannemer komt afspraken niet na", department=belastingen)
    response = login(agent).post(reverse("signals:create"), {
        "title": "Aannemer komt niet op afspraak", "description": "Stoep kapot.", "category": "contractor",
        "department": belastingen.pk, "impact": "high", "seen_similar": str(existing.pk),
    })
    assert response.status_code == 302


# --- "ik zie dit ook" and evidence scoping --------------------------------------------------------


def test_agent_adds_another_contact_from_the_suggestion(login, agent2, belastingen):
    signal = SignalFactory(department=belastingen)
    EvidenceFactory(signal=signal)
    contact = ContactFactory()
    response = login(agent2).post(reverse("signals:evidence_add", args=[signal.pk]), {"contact": contact.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "2 klantcontacten" in html(response)
    assert response["HX-Trigger"] == "signal-evidence-changed"
    assert signal.evidence.filter(contact=contact).exists()


def test_evidence_add_without_js_redirects_back_to_a_safe_next(login, agent, belastingen):
    signal = SignalFactory(department=belastingen)
    contact = ContactFactory()
    client = login(agent)
    response = client.post(reverse("signals:evidence_add", args=[signal.pk]), {"contact": contact.pk, "next": "https://evil.example/"})
    assert response["Location"] == reverse("signals:detail", args=[signal.pk])
    response = client.post(reverse("signals:evidence_add", args=[signal.pk]), {"contact": ContactFactory().pk, "next": "/inbox/"})
    assert response["Location"] == "/inbox/"


def test_evidence_add_with_forged_contact_is_404(login, agent, belastingen):
    signal = SignalFactory(department=belastingen)
    assert login(agent).post(reverse("signals:evidence_add", args=[signal.pk]), {"contact": 987654}).status_code == 404
    assert not Evidence.objects.exists()


def test_support_page_searches_open_signals_for_the_contact(login, agent, belastingen):
    SignalFactory(title="Belastingen onbereikbaar na aanslagen", department=belastingen)
    contact = ContactFactory(subject="Kan belastingen niet bereiken", topic_department=belastingen)
    response = login(agent).get(reverse("signals:support"), {"contact": contact.pk})
    assert response.status_code == 200
    assert "Belastingen onbereikbaar na aanslagen" in html(response)
    response = login(agent).get(reverse("signals:support"), {"contact": contact.pk, "q": "paspoort"}, HTTP_HX_REQUEST="true")
    assert "Belastingen onbereikbaar" not in html(response)
    assert "<html" not in html(response)


def test_department_sees_only_evidence_contacts_within_its_scope(login, backoffice_belastingen, belastingen, burgerzaken):
    signal = SignalFactory(department=belastingen)
    mine_customer = CustomerFactory(first_name="Henk", last_name="Zichtbaar")
    other_customer = CustomerFactory(first_name="Greet", last_name="Verborgen")
    mine = ContactFactory(subject="Aanslag dubbel betaald", customer=mine_customer)
    TransferFactory(contact=mine, to_department=belastingen)
    other = ContactFactory(subject="Geheime vraag over paspoort", customer=other_customer)
    TransferFactory(contact=other, to_department=burgerzaken)
    never_transferred = ContactFactory(subject="Alleen bij het KCC", customer=other_customer)
    for contact in (mine, other, never_transferred):
        EvidenceFactory(signal=signal, contact=contact, note=f"notitie {contact.subject}")

    response = login(backoffice_belastingen).get(reverse("signals:detail", args=[signal.pk]))
    body = html(response)
    assert response.status_code == 200
    assert "Klantcontacten die dit laten zien (3)" in body
    assert "Aanslag dubbel betaald" in body and "Henk Zichtbaar" in body
    assert "Geheime vraag" not in body and "Alleen bij het KCC" not in body
    assert "Verborgen" not in body and "notitie Geheime" not in body
    assert body.count("Klantcontact buiten jouw afdeling") == 2
    # Only the customer actually shown is logged.
    logged = set(ProcessingLogEntry.objects.filter(user=backoffice_belastingen).values_list("customer_id", "action", "purpose"))
    assert logged == {(mine_customer.pk, LogAction.VIEW, Purpose.SIGNAL)}


def test_kcc_agent_sees_every_evidence_contact(login, agent, belastingen, burgerzaken):
    signal = SignalFactory(department=belastingen)
    for subject in ("Eerste vraag", "Tweede vraag"):
        EvidenceFactory(signal=signal, contact=ContactFactory(subject=subject))
    body = html(login(agent).get(reverse("signals:detail", args=[signal.pk])))
    assert "Eerste vraag" in body and "Tweede vraag" in body
    assert "buiten jouw afdeling" not in body


# --- scope ----------------------------------------------------------------------------------------


def test_department_sees_only_its_own_signals(login, backoffice_belastingen, belastingen, burgerzaken):
    own = SignalFactory(department=belastingen, title="Eigen signaal")
    other = SignalFactory(department=burgerzaken, title="Signaal van een ander")
    client = login(backoffice_belastingen)
    assert client.get(reverse("signals:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("signals:detail", args=[own.pk])).status_code == 200
    for url in (reverse("signals:board"), reverse("signals:list")):
        body = html(client.get(url))
        assert "Eigen signaal" in body and "Signaal van een ander" not in body


def test_agents_see_all_signals(login, agent, belastingen, burgerzaken):
    SignalFactory(department=belastingen, title="Eerste signaal")
    SignalFactory(department=burgerzaken, title="Tweede signaal")
    body = html(login(agent).get(reverse("signals:board")))
    assert "Eerste signaal" in body and "Tweede signaal" in body


# --- workflow through the screens ------------------------------------------------------------------


def test_backoffice_acknowledges_with_a_response(login, backoffice_belastingen, belastingen):
    signal = SignalFactory(department=belastingen)
    response = login(backoffice_belastingen).post(
        reverse("signals:transition", args=[signal.pk]), {"to_status": "acknowledged", "response": "We kijken ernaar."},
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == SignalStatus.ACKNOWLEDGED
    assert StatusChange.objects.get(signal=signal).response == "We kijken ernaar."


def test_status_change_without_response_shows_an_error_and_changes_nothing(login, backoffice_belastingen, belastingen):
    signal = SignalFactory(department=belastingen)
    response = login(backoffice_belastingen).post(reverse("signals:transition", args=[signal.pk]), {"to_status": "acknowledged", "response": ""})
    assert response.status_code == 422
    assert "Reactie aan het KCC" in html(response)
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.NEW


def test_invalid_transition_through_the_form_is_a_422(login, backoffice_belastingen, belastingen):
    signal = SignalFactory(department=belastingen)
    response = login(backoffice_belastingen).post(reverse("signals:transition", args=[signal.pk]), {"to_status": "resolved", "response": "Klaar"})
    assert response.status_code == 422
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.NEW


def test_agent_cannot_change_status(login, agent, belastingen):
    signal = SignalFactory(department=belastingen)
    response = login(agent).post(reverse("signals:transition", args=[signal.pk]), {"to_status": "acknowledged", "response": "x"})
    assert response.status_code == 403


def test_other_department_gets_404_on_status_change(login, backoffice_burgerzaken, belastingen):
    signal = SignalFactory(department=belastingen)
    response = login(backoffice_burgerzaken).post(reverse("signals:transition", args=[signal.pk]), {"to_status": "acknowledged", "response": "x"})
    assert response.status_code == 404


def test_responses_are_visible_to_the_kcc(login, agent, backoffice_belastingen, belastingen):
    signal = SignalFactory(department=belastingen)
    login(backoffice_belastingen).post(reverse("signals:transition", args=[signal.pk]), {"to_status": "rejected", "response": "Dit hoort bij Burgerzaken."})
    body = html(login(agent).get(reverse("signals:detail", args=[signal.pk])))
    assert "Dit hoort bij Burgerzaken." in body
    assert "Afgewezen" in body


def test_comment_reply_via_htmx_returns_only_the_thread(login, agent, backoffice_belastingen, belastingen):
    signal = SignalFactory(department=belastingen)
    first = Comment.objects.create(signal=signal, author=backoffice_belastingen, body="Welke wijk?")
    response = login(agent).post(reverse("signals:comment", args=[signal.pk]), {"body": "Noord", "parent": first.pk}, HTTP_HX_REQUEST="true")
    body = html(response)
    assert response.status_code == 200
    assert "<html" not in body and 'id="comment-thread"' in body
    reply = Comment.objects.get(body="Noord")
    assert reply.parent == first
    assert body.index("Welke wijk?") < body.index("Noord")


def test_reply_to_a_comment_of_another_signal_is_404(login, agent, belastingen):
    signal, other = SignalFactory(department=belastingen), SignalFactory(department=belastingen)
    foreign = Comment.objects.create(signal=other, author=agent, body="elders")
    response = login(agent).post(reverse("signals:comment", args=[signal.pk]), {"body": "x", "parent": foreign.pk})
    assert response.status_code == 404


def test_empty_comment_is_a_422(login, agent, belastingen):
    signal = SignalFactory(department=belastingen)
    assert login(agent).post(reverse("signals:comment", args=[signal.pk]), {"body": ""}, HTTP_HX_REQUEST="true").status_code == 422


def test_teamlead_merges_through_the_screen(login, teamlead, belastingen):
    source = SignalFactory(department=belastingen, title="Belastingen neemt niet op")
    target = SignalFactory(department=belastingen, title="Belastingen onbereikbaar")
    client = login(teamlead)
    page = client.get(reverse("signals:merge", args=[source.pk]))
    assert page.status_code == 200 and "Belastingen onbereikbaar" in html(page)
    response = client.post(reverse("signals:merge", args=[source.pk]), {"target": target.pk, "response": "Dubbel gemeld"})
    assert response["Location"] == reverse("signals:detail", args=[target.pk])
    source.refresh_from_db()
    assert source.merged_into == target
    body = html(client.get(reverse("signals:detail", args=[source.pk])))
    assert "samengevoegd" in body


def test_agents_cannot_open_the_merge_screen(login, agent, belastingen):
    assert login(agent).get(reverse("signals:merge", args=[SignalFactory(department=belastingen).pk])).status_code == 403


# --- query counts ----------------------------------------------------------------------------------


def _seed(n, departments):
    for i in range(n):
        signal = SignalFactory(department=departments[i % len(departments)], **({"acknowledged": True} if i % 3 == 1 else {}))
        for _ in range(i % 3):
            EvidenceFactory(signal=signal)


@pytest.mark.parametrize("url_name", ["signals:board", "signals:list"])
def test_board_and_list_use_a_fixed_number_of_queries(login, agent, belastingen, burgerzaken, django_assert_num_queries, url_name):
    client = login(agent)
    _seed(3, [belastingen, burgerzaken])
    client.get(reverse(url_name))  # warm up session and caches
    with django_assert_num_queries(QUERIES[url_name]) as small:
        client.get(reverse(url_name))
    _seed(25, [belastingen, burgerzaken])
    with django_assert_num_queries(QUERIES[url_name]) as large:
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


# Session, user, memberships (roles), then the page's own queries: board = department filter
# choices + counts per status + one window query for the cards; list = choices + count + page.
QUERIES = {"signals:board": 6, "signals:list": 6}


def test_list_filters_by_minimum_evidence_and_status(login, agent, belastingen):
    many = SignalFactory(department=belastingen, title="Veel bewijs")
    for _ in range(3):
        EvidenceFactory(signal=many)
    SignalFactory(department=belastingen, title="Geen bewijs")
    SignalFactory(department=belastingen, title="Al opgelost", resolved=True)
    client = login(agent)
    body = html(client.get(reverse("signals:list"), {"min_evidence": 2}))
    assert "Veel bewijs" in body and "Geen bewijs" not in body
    body = html(client.get(reverse("signals:list")))
    assert "Al opgelost" not in body  # default: open signals only
    body = html(client.get(reverse("signals:list"), {"status": "resolved"}))
    assert "Al opgelost" in body and "Veel bewijs" not in body


def test_list_filter_via_htmx_returns_only_the_results(login, agent, belastingen):
    SignalFactory(department=belastingen)
    response = login(agent).get(reverse("signals:list"), {"category": "process"}, HTTP_HX_REQUEST="true")
    body = html(response)
    assert 'id="signal-results"' in body and "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_pages_have_no_inline_scripts_or_styles(login, agent, belastingen):
    signal = SignalFactory(department=belastingen)
    EvidenceFactory(signal=signal)
    client = login(agent)
    for url in (reverse("signals:board"), reverse("signals:list"), reverse("signals:detail", args=[signal.pk]), reverse("signals:create")):
        body = html(client.get(url))
        assert "style=" not in body, url
        assert " onclick=" not in body and " onchange=" not in body, url
        for chunk in body.split("<script")[1:]:
            assert "src=" in chunk.split(">")[0], url


def test_signal_page_shows_ten_contacts_and_logs_only_the_customers_shown(login, agent, belastingen):
    signal = SignalFactory(department=belastingen)
    for i in range(12):
        EvidenceFactory(signal=signal, contact=ContactFactory(subject=f"Contact nummer {i:02d}", customer=CustomerFactory()))
    client = login(agent)
    body = html(client.get(reverse("signals:detail", args=[signal.pk])))
    assert "Klantcontacten die dit laten zien (12)" in body
    assert body.count("Contact nummer") == 10
    assert "Toon nog 2 klantcontacten" in body
    assert ProcessingLogEntry.objects.filter(user=agent, purpose=Purpose.SIGNAL).count() == 10
    body = html(client.get(reverse("signals:detail", args=[signal.pk]) + "?contacten=alle"))
    assert body.count("Contact nummer") == 12


def test_department_filters_offer_only_its_departments_and_only_mine(login, backoffice_belastingen, backoffice_belastingen2, belastingen, burgerzaken):
    SignalFactory(department=belastingen, title="Van mij", owner=backoffice_belastingen)
    SignalFactory(department=belastingen, title="Van een collega", owner=backoffice_belastingen2)
    client = login(backoffice_belastingen)
    response = client.get(reverse("signals:list"))
    assert list(response.context["filter"].form.fields["department"].queryset) == [belastingen]
    body = html(client.get(reverse("signals:list"), {"mine": "on"}))
    assert "Van mij" in body and "Van een collega" not in body


def test_agents_get_no_only_mine_filter(login, agent):
    response = login(agent).get(reverse("signals:list"))
    assert "mine" not in response.context["filter"].form.fields


def test_list_filters_by_age(login, agent, belastingen):
    from django.utils import timezone

    SignalFactory(department=belastingen, title="Vers signaal")
    SignalFactory(department=belastingen, title="Oud signaal", raised_at=timezone.now() - timezone.timedelta(days=45))
    client = login(agent)
    body = html(client.get(reverse("signals:list"), {"age": "week"}))
    assert "Vers signaal" in body and "Oud signaal" not in body
    body = html(client.get(reverse("signals:list"), {"age": "quarter"}))
    assert "Oud signaal" in body and "Vers signaal" not in body


def test_default_order_is_most_evidence_then_unanswered_then_oldest(login, agent, belastingen):
    from django.utils import timezone

    now = timezone.now()
    answered_old = SignalFactory(department=belastingen, title="Beantwoord oud", acknowledged=True, raised_at=now - timezone.timedelta(days=9))
    unanswered_new = SignalFactory(department=belastingen, title="Onbeantwoord nieuw", raised_at=now - timezone.timedelta(days=1))
    unanswered_old = SignalFactory(department=belastingen, title="Onbeantwoord oud", raised_at=now - timezone.timedelta(days=5))
    most = SignalFactory(department=belastingen, title="Meeste bewijs", acknowledged=True, raised_at=now)
    for _ in range(3):
        EvidenceFactory(signal=most)
    for signal in (answered_old, unanswered_new, unanswered_old):
        EvidenceFactory(signal=signal)
    page = login(agent).get(reverse("signals:list")).context["page"]
    assert [s.title for s in page.object_list] == ["Meeste bewijs", "Onbeantwoord oud", "Onbeantwoord nieuw", "Beantwoord oud"]
