"""Who may read, edit and publish: agents read only, editors are scoped by department (KCC
editors are the central editorial team), owner departments edit their own articles, forged
ids are refused."""

import pytest
from django.urls import reverse

from kcc.core.exceptions import DomainError
from knowledgebase.access import access_article
from knowledgebase.constants import ArticleStatus
from knowledgebase.services import article_create, article_publish

pytestmark = pytest.mark.django_db


def _form(article, department, **extra):
    data = {
        "title": article.title if article else "Nieuw", "kind": "qa", "question": "", "body": "Gewijzigd.",
        "owner_department": department.pk, "audience": "internal", "tags": "", "synonyms": "", "related": "",
        "review_by": "", "summary": "Wijziging", "action": "publish",
    }
    data.update(extra)
    return data


@pytest.fixture
def woz(publish, belastingen):
    return publish("WOZ-bezwaar", "Binnen 6 weken.", belastingen)


@pytest.fixture
def paspoort(publish, burgerzaken):
    return publish("Paspoort aanvragen", "Op afspraak.", burgerzaken)


def test_agent_cannot_edit_or_create(woz, login, agent):
    client = login(agent)
    assert client.get(reverse("knowledgebase:article_edit", args=[woz.pk])).status_code == 403
    assert client.post(reverse("knowledgebase:article_edit", args=[woz.pk]), _form(woz, woz.owner_department)).status_code == 403
    assert client.get(reverse("knowledgebase:article_create")).status_code == 403
    assert client.post(reverse("knowledgebase:article_archive", args=[woz.pk])).status_code == 403
    assert client.post(reverse("knowledgebase:article_require_reading", args=[woz.pk])).status_code == 403
    woz.refresh_from_db()
    assert woz.body == "Binnen 6 weken." and woz.status == ArticleStatus.PUBLISHED


def test_agent_reads_published_articles_but_not_drafts(woz, editor, belastingen, login, agent):
    draft = article_create(user=editor, owner_department=belastingen, title="Concept", body="x")
    client = login(agent)
    assert client.get(reverse("knowledgebase:article_detail", args=[woz.pk])).status_code == 200
    assert client.get(reverse("knowledgebase:article_detail", args=[draft.pk])).status_code == 404


def test_editor_of_department_a_cannot_publish_department_b_article(woz, paspoort, login, editor_burgerzaken, burgerzaken, belastingen):
    client = login(editor_burgerzaken)
    # Own department: allowed.
    assert client.post(reverse("knowledgebase:article_edit", args=[paspoort.pk]), _form(paspoort, burgerzaken)).status_code == 302
    # Another department's article: not found, and nothing changed.
    assert client.get(reverse("knowledgebase:article_edit", args=[woz.pk])).status_code == 404
    assert client.post(reverse("knowledgebase:article_edit", args=[woz.pk]), _form(woz, belastingen)).status_code == 404
    assert client.post(reverse("knowledgebase:article_archive", args=[woz.pk])).status_code == 404
    woz.refresh_from_db()
    assert woz.current_version.number == 1 and woz.status == ArticleStatus.PUBLISHED


def test_service_refuses_publishing_outside_scope(woz, editor_burgerzaken):
    with pytest.raises(DomainError):
        article_publish(user=editor_burgerzaken, article=woz, summary="Hack", body="x")
    assert woz.versions.count() == 1


def test_forged_owner_department_in_form_is_refused(paspoort, login, editor_burgerzaken, belastingen):
    client = login(editor_burgerzaken)
    response = client.post(reverse("knowledgebase:article_edit", args=[paspoort.pk]), _form(paspoort, belastingen))
    assert response.status_code == 422
    paspoort.refresh_from_db()
    assert paspoort.owner_department.code == "burgerzaken"
    created = client.post(reverse("knowledgebase:article_create"), _form(None, belastingen))
    assert created.status_code == 422


def test_forged_nonexistent_department_id_is_a_form_error(login, editor_burgerzaken, burgerzaken):
    data = _form(None, burgerzaken)
    data["owner_department"] = "999999"
    assert login(editor_burgerzaken).post(reverse("knowledgebase:article_create"), data).status_code == 422


def test_central_kcc_editor_edits_every_department(woz, paspoort, login, editor, belastingen):
    response = login(editor).post(reverse("knowledgebase:article_edit", args=[woz.pk]), _form(woz, belastingen))
    assert response.status_code == 302
    woz.refresh_from_db()
    assert woz.current_version.number == 2


def test_owner_department_staff_edit_their_own_articles_only(woz, paspoort, login, backoffice_belastingen, belastingen, burgerzaken):
    client = login(backoffice_belastingen)
    assert client.post(reverse("knowledgebase:article_edit", args=[woz.pk]), _form(woz, belastingen)).status_code == 302
    assert client.post(reverse("knowledgebase:article_edit", args=[paspoort.pk]), _form(paspoort, burgerzaken)).status_code == 404


def test_drafts_are_visible_only_within_edit_scope(editor, editor_burgerzaken, belastingen, burgerzaken, agent, backoffice_belastingen):
    from django.http import Http404

    draft = article_create(user=editor, owner_department=belastingen, title="Concept WOZ", body="x")
    assert access_article(editor, draft.pk).pk == draft.pk
    assert access_article(backoffice_belastingen, draft.pk, edit=True).pk == draft.pk
    for user in (agent, editor_burgerzaken):
        with pytest.raises(Http404):
            access_article(user, draft.pk)


def test_editorial_page_is_not_for_agents(login, agent):
    assert login(agent).get(reverse("knowledgebase:editorial")).status_code == 403


def test_archived_article_opens_with_a_warning(woz, editor, login, agent):
    from knowledgebase.services import article_archive

    article_archive(user=editor, article=woz)
    html = login(agent).get(reverse("knowledgebase:article_detail", args=[woz.pk])).content.decode()
    assert "gearchiveerd" in html


def test_navigation_items_per_role(login, agent, editor, teamlead):
    agent_html = login(agent).get(reverse("core:home")).content.decode()
    assert reverse("knowledgebase:search") in agent_html and reverse("knowledgebase:guide_index") in agent_html
    assert reverse("knowledgebase:editorial") not in agent_html
    editor_html = login(editor).get(reverse("core:home")).content.decode()
    assert reverse("knowledgebase:editorial") in editor_html
    assert reverse("channels:knowledge_gaps") in editor_html
    assert reverse("knowledgebase:coverage") in login(teamlead).get(reverse("core:home")).content.decode()


def test_pages_have_no_inline_scripts_or_styles(woz, login, editor):
    client = login(editor)
    for url in (
        reverse("knowledgebase:search") + "?q=woz", reverse("knowledgebase:article_detail", args=[woz.pk]),
        reverse("knowledgebase:article_edit", args=[woz.pk]), reverse("knowledgebase:editorial"),
        reverse("knowledgebase:coverage"), reverse("knowledgebase:guide_index"), reverse("knowledgebase:version_list", args=[woz.pk]),
    ):
        html = client.get(url).content.decode()
        assert "style=" not in html, url
        assert " onclick=" not in html and "<script>" not in html, url
