"""Polish found in the desk walk (issue 11, item 7): a brand-new mandatory article is not
"changed", the editor's menu has reading coverage, and the article form marks only what is
required."""

import pytest
from django.urls import reverse

from knowledgebase.services import article_create, article_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_mandatory_article(editor, burgerzaken):
    article = article_create(user=editor, owner_department=burgerzaken, title="Paspoort aanvragen", body="Leges € 84,35.")
    article_publish(user=editor, article=article, summary="Eerste versie", mandatory=True, mandatory_note="Nieuw: paspoort aanvragen")
    return article


def test_a_brand_new_mandatory_article_is_not_called_changed(new_mandatory_article, login, agent):
    client = login(agent)
    html = client.get(reverse("knowledgebase:article_detail", args=[new_mandatory_article.pk])).content.decode()
    assert "Versie 1 is gewijzigd" not in html
    assert "Nieuw artikel: Nieuw: paspoort aanvragen" in html
    home = client.get(reverse("core:home")).content.decode()
    assert "Paspoort aanvragen" in home
    assert "nieuw artikel" in home and "versie 1" not in home
    assert "Bekijk wat er veranderd is" not in home


def test_a_later_mandatory_version_still_says_what_changed(new_mandatory_article, editor, login, agent):
    article_publish(user=editor, article=new_mandatory_article, summary="Leges 2027", body="Leges € 90,00.", mandatory=True)
    client = login(agent)
    html = client.get(reverse("knowledgebase:article_detail", args=[new_mandatory_article.pk])).content.decode()
    assert "Versie 2 is gewijzigd" in html
    assert "Bekijk wat er veranderd is" in client.get(reverse("core:home")).content.decode()


def test_reading_coverage_is_in_the_editors_navigation(login, editor):
    html = login(editor).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("knowledgebase:coverage")}"' in html
    assert ">Leesdekking<" in html
    assert login(editor).get(reverse("knowledgebase:coverage")).status_code == 200


def test_the_article_form_marks_only_required_fields(login, editor):
    html = login(editor).get(reverse("knowledgebase:article_create")).content.decode()
    assert "niet verplicht" not in html
    assert "(verplicht)" in html
    # The change summary is optional while drafting; its help text says when it is needed.
    assert "Verplicht bij publiceren" in html
