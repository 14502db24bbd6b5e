"""Transfer advice (channels/advice.py): ranking with reasons, what was known before, the
reachability of the advised department and its misroute rate, and a fixed query count."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from channels import advice
from channels.models import ContactArticle, Transfer
from kcc.core.models import ClosureDay
from kcc.core.workdays import WorkCalendar
from knowledgebase.models import DepartmentGuide
from tests.channels.factories import ContactFactory, TransferFactory
from tests.core.factories import DepartmentFactory
from tests.knowledgebase.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
# A Tuesday, not a holiday.
TUESDAY = datetime(2026, 11, 10, 10, 30, tzinfo=TZ)


@pytest.fixture
def deps(kcc_department):
    return {
        "afval": DepartmentFactory(code="afval", name="Afval en Reiniging", opening_hours="ma-vr 8:00-16:00"),
        "or": DepartmentFactory(code="openbare-ruimte", name="Openbare Ruimte", opening_hours="ma-vr 8:00-16:30"),
        "bel": DepartmentFactory(code="belastingen", name="Belastingen", opening_hours="ma-vr 9:00-12:00"),
    }


def _transfer(*, text, to, at, correct=None, marked_at=None, topic=None):
    contact = ContactFactory(transferred=True, subject=text[:40], question=text, topic_department=topic or to, started_at=at)
    transfer = TransferFactory(contact=contact, to_department=to)
    Transfer.objects.filter(pk=transfer.pk).update(
        created_at=at, correct_department=correct, not_for_us_at=marked_at,
    )
    return transfer


def test_misroute_history_outranks_the_topic_department_with_its_reason(deps):
    earlier = TUESDAY - timedelta(days=3)
    for i in range(3):
        _transfer(text="Bij het speeltuintje ligt veel zwerfafval en glas.", to=deps["afval"], at=earlier + timedelta(hours=i),
                  correct=deps["or"], marked_at=earlier + timedelta(hours=i, minutes=30))
    _transfer(text="Mijn restafvalcontainer is kapot. Krijg ik een nieuwe?", to=deps["afval"], at=earlier)
    with override("en"):
        ranked = advice.transfer_advice(text="Zwerfafval en glas bij het speeltuintje", topic_department_id=deps["afval"].pk, at=TUESDAY)
    assert [a.department for a in ranked][:2] == [deps["or"], deps["afval"]]
    top = ranked[0]
    assert any("3 of 3 similar questions belonged here" in r for r in top.reasons)
    assert any("Afval en Reiniging" in r and "not for us" in r for r in top.reasons)
    assert "Topic department of this question." in ranked[1].reasons


def test_a_not_for_us_mark_made_after_the_advice_does_not_count(deps):
    earlier = TUESDAY - timedelta(days=1)
    _transfer(text="Zwerfafval en glas bij de speeltuin", to=deps["afval"], at=earlier,
              correct=deps["or"], marked_at=TUESDAY + timedelta(hours=1))
    ranked = advice.transfer_advice(text="zwerfafval speeltuin", topic_department_id=deps["afval"].pk, at=TUESDAY)
    assert ranked[0].department == deps["afval"]
    assert deps["or"] not in [a.department for a in ranked]
    # Later, when the mark is known, the advice follows it.
    later = advice.transfer_advice(text="zwerfafval speeltuin", topic_department_id=deps["afval"].pk, at=TUESDAY + timedelta(hours=2))
    assert later[0].department == deps["or"]


def test_transfers_after_the_moment_of_advice_are_not_known(deps):
    _transfer(text="Zwerfafval en glas", to=deps["or"], at=TUESDAY + timedelta(minutes=5))
    ranked = advice.transfer_advice(text="zwerfafval glas", topic_department_id=None, at=TUESDAY)
    assert ranked == []


def test_linked_article_owner_is_advised_with_the_article_title(deps, agent):
    article = ArticleFactory(title="Aanslag afvalstoffenheffing", owner_department=deps["bel"])
    contact = ContactFactory(claimed=True, subject="Vraag over mijn aanslag", topic_department=deps["afval"], started_at=TUESDAY)
    ContactArticle.objects.create(contact=contact, article=article, marked_by=agent)
    with override("en"):
        ranked = advice.transfer_advice(text=contact.subject, topic_department_id=deps["afval"].pk, contact=contact,
                                        at=timezone.now() + timedelta(seconds=1))
    assert ranked[0].department == deps["bel"]
    assert ranked[0].reasons == ["Owner of the linked article “Aanslag afvalstoffenheffing”."]


def test_department_guide_redirect_names_the_item_and_department(deps):
    DepartmentGuide.objects.create(
        department=deps["afval"], handles="Ophalen van afval, containers, grofvuil.",
        does_not_handle="Zwerfafval op straat en illegale dumping (Openbare Ruimte), afvalstoffenheffing (Belastingen).",
    )
    with override("en"):
        ranked = advice.transfer_advice(text="Waarom is mijn afvalstoffenheffing omhoog?", topic_department_id=deps["afval"].pk, at=TUESDAY)
    assert ranked[0].department == deps["bel"]
    assert ranked[0].reasons == ["Who does what of Afval en Reiniging: “afvalstoffenheffing” belongs to Belastingen."]
    assert ranked[1].department == deps["afval"]


def test_the_kcc_itself_is_never_advised(deps, kcc_department):
    ranked = advice.transfer_advice(text="iets", topic_department_id=kcc_department.pk, at=TUESDAY)
    assert ranked == []


def test_misroute_rate_of_the_advised_department(deps):
    base = TUESDAY - timedelta(days=10)
    for i in range(4):
        _transfer(text=f"Vraag {i} over containers", to=deps["afval"], at=base + timedelta(hours=i),
                  correct=deps["or"] if i == 0 else None, marked_at=base + timedelta(hours=i, minutes=5) if i == 0 else None)
    _transfer(text="heel oud", to=deps["afval"], at=TUESDAY - timedelta(days=advice.MISROUTE_WINDOW_DAYS + 1))
    ranked = advice.transfer_advice(text="onbekend onderwerp", topic_department_id=deps["afval"].pk, at=TUESDAY)
    assert (ranked[0].transfers, ranked[0].misrouted, ranked[0].misroute_percent) == (4, 1, 25)


@pytest.mark.parametrize(
    ("hours", "moment", "state"),
    [
        ("ma-vr 9:00-12:00", time(10, 30), "open"),
        ("ma-vr 9:00-12:00", time(12, 0), "closed"),
        ("ma-vr 9:00-12:00", time(8, 0), "closed"),
        ("di en do 9:00-12:00", time(9, 5), "open"),  # Tuesday
        ("ma, wo 9.00-17.00", time(10, 0), "closed"),
        ("Alleen op afspraak", time(10, 0), "unknown"),
    ],
)
def test_reachability_from_the_opening_hours(hours, moment, state):
    department = DepartmentFactory.build(opening_hours=hours, reachability="")
    now = datetime.combine(TUESDAY.date(), moment, tzinfo=TZ)
    assert advice.reachability_now(department, now=now, calendar=WorkCalendar(closure_days=[])).state == state


def test_reachability_prefers_the_live_transfer_window_and_knows_closure_days(db):
    department = DepartmentFactory.build(opening_hours="ma-vr 9:00-16:30", reachability="Backoffice bereikbaar via doorverbinden ma-vr 9:00-12:00.")
    afternoon = datetime.combine(TUESDAY.date(), time(14, 0), tzinfo=TZ)
    with override("en"):
        assert advice.reachability_now(department, now=afternoon, calendar=WorkCalendar(closure_days=[])).text == "not reachable now"
        morning = advice.reachability_now(department, now=TUESDAY, calendar=WorkCalendar(closure_days=[]))
    assert morning.is_open and "12:00" in morning.text
    ClosureDay.objects.create(date=TUESDAY.date(), description="Personeelsdag")
    assert advice.reachability_now(department, now=TUESDAY, calendar=WorkCalendar()).state == "closed"


def test_sqlite_fallback_finds_the_same_precedents(deps):
    earlier = TUESDAY - timedelta(days=2)
    _transfer(text="Zwerfafval en glas bij het speeltuintje", to=deps["afval"], at=earlier, correct=deps["or"], marked_at=earlier + timedelta(minutes=9))
    _transfer(text="Hondenbelasting afmelden", to=deps["bel"], at=earlier)
    rows = advice._fallback_history(advice.words("zwerfafval speeltuintje"), at=TUESDAY, exclude_contact_id=None)
    assert [(r[0], r[1]) for r in rows] == [(deps["afval"].pk, deps["or"].pk)]


def test_advice_has_a_fixed_query_count(deps, agent, django_assert_num_queries):
    DepartmentGuide.objects.create(department=deps["afval"], handles="Containers, grofvuil.", does_not_handle="Zwerfafval (Openbare Ruimte).")
    base = TUESDAY - timedelta(days=5)
    for i in range(12):
        _transfer(text=f"Zwerfafval bij speeltuin {i}", to=deps["afval"] if i % 2 else deps["or"], at=base + timedelta(hours=i),
                  correct=deps["or"] if i % 2 else None, marked_at=base + timedelta(hours=i, minutes=1) if i % 2 else None)
    contact = ContactFactory(claimed=True, subject="Zwerfafval", topic_department=deps["afval"])
    ContactArticle.objects.create(contact=contact, article=ArticleFactory(owner_department=deps["or"]), marked_by=agent)
    with django_assert_num_queries(advice.ADVICE_QUERIES):
        ranked = advice.transfer_advice(text="zwerfafval speeltuin containers", topic_department_id=deps["afval"].pk,
                                        contact=contact, at=timezone.now() + timedelta(seconds=1))
    assert len(ranked) == 2 and all(a.reachability is not None for a in ranked)


# --- the desk's advice view --------------------------------------------------------------


def test_advice_view_answers_the_fragment_for_the_question_as_typed(deps, agent, login, django_assert_num_queries):
    earlier = timezone.now() - timedelta(days=2)
    for i in range(2):
        _transfer(text="Zwerfafval en glas bij het speeltuintje", to=deps["afval"], at=earlier + timedelta(hours=i),
                  correct=deps["or"], marked_at=earlier + timedelta(hours=i, minutes=5))
    contact = ContactFactory(claimed=True, assigned_to=agent, subject="Vraag", topic_department=None)
    client = login(agent)
    url = reverse("channels:contact_transfer_advice", args=[contact.pk])
    with django_assert_num_queries(13):  # session, user, roles, contact, first message + advice (5)
        response = client.post(url, {"question": "Veel zwerfafval bij de speeltuin", "topic_department": deps["afval"].pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="advice-item"' in html
    assert html.index("Openbare Ruimte") < html.index("Afval en Reiniging")
    assert f'data-advice-take="{deps["or"].pk}"' in html and 'data-shortcut="Alt+Shift+D"' in html
    # Nothing typed was saved by asking for advice.
    contact.refresh_from_db()
    assert contact.question == "" and contact.topic_department_id is None


def test_advice_page_without_javascript_uses_the_saved_question(deps, agent, login):
    contact = ContactFactory(claimed=True, assigned_to=agent, subject="Zwerfafval", question="glas bij de speeltuin", topic_department=deps["afval"])
    response = login(agent).get(reverse("channels:contact_transfer_advice", args=[contact.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Afval en Reiniging" in html and "data-advice-take" not in html


def test_advice_is_for_kcc_roles_and_open_contacts_only(deps, agent, backoffice_belastingen, login):
    closed = ContactFactory(transferred=True, topic_department=deps["afval"])
    url = reverse("channels:contact_transfer_advice", args=[closed.pk])
    assert login(agent).get(url).status_code == 404
    open_contact = ContactFactory(claimed=True, assigned_to=agent)
    assert login(backoffice_belastingen).post(reverse("channels:contact_transfer_advice", args=[open_contact.pk])).status_code == 403


def test_the_transfers_search_text_follows_its_contact(deps):
    """PostgreSQL: the history is searched in the transfers' own full-text vector (migration
    0009), filled from the contact when the transfer is made and kept up to date by a trigger
    when the contact's question is corrected afterwards."""
    earlier = TUESDAY - timedelta(days=2)
    transfer = _transfer(text="Vraag over de hondenbelasting", to=deps["afval"], at=earlier, correct=deps["bel"], marked_at=earlier + timedelta(hours=1))
    found = advice.similar_transfers("hondenbelasting betalen", at=TUESDAY)
    assert [(p.should_have, p.misrouted_from) for p in found] == [(deps["bel"].pk, deps["afval"].pk)]
    contact = transfer.contact
    contact.question = "Mijn kliko is niet geleegd"
    contact.subject = "Kliko"
    contact.save(update_fields=["question", "subject"])
    assert advice.similar_transfers("hondenbelasting betalen", at=TUESDAY) == []
    assert [p.should_have for p in advice.similar_transfers("kliko niet geleegd", at=TUESDAY)] == [deps["bel"].pk]


def test_history_is_bounded_to_the_newest_similar_transfers(deps, monkeypatch):
    """However many transfers share a word, only the newest HISTORY_CANDIDATES are ranked."""
    monkeypatch.setattr(advice, "HISTORY_CANDIDATES", 3)
    for i in range(5):  # the two oldest went to Belastingen, the three newest to Afval
        _transfer(text="Vraag over de milieustraat", to=deps["bel"] if i < 2 else deps["afval"], at=TUESDAY - timedelta(days=10 - i))
    found = advice.similar_transfers("milieustraat open", at=TUESDAY)
    assert sorted(p.should_have for p in found) == [deps["afval"].pk] * 3
