"""Mandatory reads ("verplicht lezen"): per version, a new mandatory version asks again, the
home-page list, the confirmation, and the team lead's coverage figures."""

import pytest
from django.urls import reverse

from kcc.core.constants import Role
from kcc.core.exceptions import DomainError
from knowledgebase.models import ReadReceipt
from knowledgebase.selectors import mandatory_coverage, mandatory_outstanding_list
from knowledgebase.services import (
    article_archive,
    article_publish,
    article_require_reading,
    mandatory_read_confirm,
)
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def mandatory_article(publish, editor, burgerzaken):
    article = publish("Paspoort aanvragen", "Leges € 80,00.", burgerzaken)
    version = article_publish(user=editor, article=article, summary="Leges 2026", body="Leges € 84,35.", mandatory=True, mandatory_note="Nieuwe leges per 1 januari")
    return article, version


def test_confirmation_is_per_version_and_a_new_mandatory_version_asks_again(mandatory_article, editor, agent):
    article, v2 = mandatory_article
    assert mandatory_outstanding_list(user=agent) == [v2]
    mandatory_read_confirm(user=agent, version=v2)
    assert mandatory_outstanding_list(user=agent) == []
    # A non-mandatory correction does not ask again...
    article_publish(user=editor, article=article, summary="Typfout", body="Leges € 84,35 per stuk.")
    assert mandatory_outstanding_list(user=agent) == []
    # ...a new mandatory version does.
    v4 = article_publish(user=editor, article=article, summary="Spoedtoeslag", body="Leges € 84,35, spoed € 58,20.", mandatory=True)
    assert mandatory_outstanding_list(user=agent) == [v4]
    assert ReadReceipt.objects.filter(user=agent).count() == 1


def test_a_newer_mandatory_version_replaces_the_older_one_in_the_list(mandatory_article, editor, agent):
    article, v2 = mandatory_article
    v3 = article_publish(user=editor, article=article, summary="Nog een wijziging", body="Anders.", mandatory=True)
    assert mandatory_outstanding_list(user=agent) == [v3]


def test_confirming_twice_creates_one_receipt(mandatory_article, agent):
    _, v2 = mandatory_article
    mandatory_read_confirm(user=agent, version=v2)
    mandatory_read_confirm(user=agent, version=v2)
    assert ReadReceipt.objects.filter(user=agent, version=v2).count() == 1


def test_a_non_mandatory_version_cannot_be_confirmed(publish, burgerzaken, agent):
    article = publish("Uittreksel", "x", burgerzaken)
    with pytest.raises(DomainError):
        mandatory_read_confirm(user=agent, version=article.current_version)


def test_archived_articles_are_no_longer_asked(mandatory_article, editor, agent):
    article, _ = mandatory_article
    article_archive(user=editor, article=article)
    assert mandatory_outstanding_list(user=agent) == []


def test_require_reading_flags_the_current_version(publish, editor, burgerzaken, agent):
    article = publish("Grofvuil", "Op afspraak.", burgerzaken)
    version = article_require_reading(user=editor, article=article, summary="Signaal opgelost: nu alleen online")
    assert version == article.current_version
    version.refresh_from_db()
    assert version.is_mandatory and version.mandatory_note == "Signaal opgelost: nu alleen online"
    assert version.mandatory_by == editor
    assert mandatory_outstanding_list(user=agent) == [version]
    # idempotent
    assert article_require_reading(user=editor, article=article).pk == version.pk


def test_require_reading_refuses_drafts_and_users_outside_the_department(editor, editor_burgerzaken, belastingen, publish):
    from knowledgebase.services import article_create

    draft = article_create(user=editor, owner_department=belastingen, title="Concept", body="x")
    with pytest.raises(DomainError):
        article_require_reading(user=editor, article=draft)
    other = publish("WOZ", "x", belastingen)
    with pytest.raises(DomainError):
        article_require_reading(user=editor_burgerzaken, article=other)


def test_agent_confirms_from_the_home_page(mandatory_article, login, agent):
    _, v2 = mandatory_article
    client = login(agent)
    home = client.get(reverse("core:home")).content.decode()
    assert "Nieuw en gewijzigd" in home
    assert "Nieuwe leges per 1 januari" in home
    response = client.post(reverse("knowledgebase:mandatory_confirm", args=[v2.pk]), {"next": "/"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Bevestigd" in html
    assert ReadReceipt.objects.filter(user=agent, version=v2).exists()
    assert "Nieuwe leges per 1 januari" not in client.get(reverse("core:home")).content.decode()


def test_confirm_without_javascript_redirects_back_safely(mandatory_article, login, agent):
    _, v2 = mandatory_article
    client = login(agent)
    response = client.post(reverse("knowledgebase:mandatory_confirm", args=[v2.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_confirming_a_non_mandatory_version_is_404(publish, burgerzaken, login, agent):
    article = publish("Uittreksel", "x", burgerzaken)
    assert login(agent).post(reverse("knowledgebase:mandatory_confirm", args=[article.current_version.pk])).status_code == 404


def test_article_page_asks_for_confirmation_until_confirmed(mandatory_article, login, agent):
    article, v2 = mandatory_article
    client = login(agent)
    url = reverse("knowledgebase:article_detail", args=[article.pk])
    assert "Gelezen en begrepen" in client.get(url).content.decode()
    client.post(reverse("knowledgebase:mandatory_confirm", args=[v2.pk]), {"from": "article"}, HTTP_HX_REQUEST="true")
    assert "Gelezen en begrepen" not in client.get(url).content.decode()


def test_coverage_figures_per_version_and_per_person(mandatory_article, editor, publish, burgerzaken, kcc_department, agent, agent2):
    article, v2 = mandatory_article
    temp = make_staff("uitzendkracht", kcc_department, Role.AGENT, first_name="Tim", last_name="Tijdelijk")
    inactive = make_staff("oud", kcc_department, Role.AGENT, is_active=False)
    other = publish("Rijbewijs", "x", burgerzaken)
    w = article_require_reading(user=editor, article=other, summary="Verplicht")
    mandatory_read_confirm(user=agent, version=v2)
    mandatory_read_confirm(user=agent2, version=v2)
    mandatory_read_confirm(user=agent, version=w)
    ReadReceipt.objects.create(user=inactive, version=w)  # inactive people do not count

    coverage = mandatory_coverage()
    assert coverage.agent_count == 3
    by_version = {row.version.pk: (row.confirmed, row.total, row.percent) for row in coverage.versions}
    assert by_version == {v2.pk: (2, 3, 67), w.pk: (1, 3, 33)}
    people = {p.user.username: ([v.pk for v in p.outstanding], p.confirmed) for p in coverage.people}
    assert people == {"agent": ([], 2), "agent2": ([w.pk], 1), "uitzendkracht": ([w.pk, v2.pk], 0)}
    assert coverage.people[0].user == temp  # most outstanding first


def test_coverage_page_for_team_lead_with_pinned_query_count(mandatory_article, login, teamlead, agent, agent2, django_assert_num_queries):
    _, v2 = mandatory_article
    mandatory_read_confirm(user=agent, version=v2)
    client = login(teamlead)
    client.get(reverse("knowledgebase:coverage"))
    # session, user, memberships, agents, versions, receipts
    with django_assert_num_queries(6):
        response = client.get(reverse("knowledgebase:coverage"))
    html = response.content.decode()
    assert f'data-testid="percent-{v2.pk}">50%' in html
    assert 'data-testid="person-outstanding-agent2">Paspoort aanvragen (v2)' in html


def test_agents_cannot_see_the_coverage_page(login, agent):
    assert login(agent).get(reverse("knowledgebase:coverage")).status_code == 403


def test_home_section_query_count_is_pinned(mandatory_article, publish, editor, burgerzaken, rf, agent, django_assert_num_queries):
    from knowledgebase.views import home_section_context

    for title in ("Rijbewijs", "Uittreksel", "Geboorte"):
        article_require_reading(user=editor, article=publish(title, "x", burgerzaken))
    request = rf.get("/")
    request.user = agent
    with django_assert_num_queries(1):  # outstanding versions with their article and department
        ctx = home_section_context(request)
    assert ctx["count"] == 4
