"""Publishing creates versions with a summary; diffs are readable and accessible; old
versions stay viewable; drafts and published articles follow their own rules."""

import pytest
from django.urls import reverse

from kcc.core.exceptions import DomainError
from knowledgebase.constants import ArticleStatus
from knowledgebase.models import ArticleVersion
from knowledgebase.rendering import diff_text, render_markdown
from knowledgebase.services import article_create, article_publish, article_update

pytestmark = pytest.mark.django_db


def test_every_publication_is_a_new_numbered_version_with_its_summary(publish, editor, burgerzaken):
    article = publish("Paspoort aanvragen", "Leges € 80,00.", burgerzaken, summary="Eerste versie")
    v2 = article_publish(user=editor, article=article, summary="Leges 2026", body="Leges € 84,35.")
    article.refresh_from_db()
    assert [v.number for v in article.versions.order_by("number")] == [1, 2]
    assert article.current_version == v2
    assert v2.summary == "Leges 2026"
    assert article.body == "Leges € 84,35."
    assert article.versions.get(number=1).body == "Leges € 80,00."  # old version kept unchanged


def test_publishing_requires_a_summary(publish, editor, burgerzaken):
    article = publish("Paspoort aanvragen", "Tekst.", burgerzaken)
    with pytest.raises(DomainError) as exc:
        article_publish(user=editor, article=article, summary="   ", body="Nieuwe tekst.")
    assert exc.value.field == "summary"
    article.refresh_from_db()
    assert article.body == "Tekst."
    assert article.versions.count() == 1


def test_publishing_unchanged_content_is_refused(publish, editor, burgerzaken):
    article = publish("Paspoort aanvragen", "Tekst.", burgerzaken)
    with pytest.raises(DomainError):
        article_publish(user=editor, article=article, summary="Niets", body="Tekst.")
    assert article.versions.count() == 1


def test_a_published_article_cannot_be_changed_without_a_new_version(publish, editor, burgerzaken):
    article = publish("Paspoort aanvragen", "Tekst.", burgerzaken)
    with pytest.raises(DomainError):
        article_update(user=editor, article=article, body="Stiekem anders.")
    article.refresh_from_db()
    assert article.body == "Tekst."


def test_drafts_are_saved_without_versions(editor, burgerzaken):
    article = article_create(user=editor, owner_department=burgerzaken, title="Concept", body="a")
    article_update(user=editor, article=article, body="b", tags="reisdocumenten, spoed")
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert article.body == "b"
    assert sorted(article.tags.values_list("name", flat=True)) == ["reisdocumenten", "spoed"]
    assert not ArticleVersion.objects.filter(article=article).exists()


def test_version_snapshot_keeps_tags_and_synonyms(publish, editor, burgerzaken):
    article = publish("Paspoort", "x", burgerzaken, tags="reisdocumenten", synonyms="pas, reispas")
    v2 = article_publish(user=editor, article=article, summary="Tag erbij", tags="reisdocumenten, spoed")
    assert article.versions.get(number=1).tags == "reisdocumenten"
    assert v2.tags == "reisdocumenten, spoed"
    assert v2.synonyms == "pas, reispas"


def test_diff_marks_removed_and_added_words_with_text_not_only_colour():
    lines = diff_text("Leges € 80,00 per stuk.\nOphalen na 5 dagen.", "Leges € 84,35 per stuk.\nOphalen na 5 dagen.")
    changed = [line for line in lines if line.kind == "changed"]
    assert len(changed) == 1
    html = str(changed[0].html)
    assert "<del" in html and "<ins" in html
    assert "verwijderd: </span>80" in html
    assert "toegevoegd: </span>84" in html
    assert lines[1].kind == "same"


def test_diff_escapes_html():
    lines = diff_text("", "<script>alert(1)</script>")
    assert "<script>" not in str(lines[0].html)
    assert lines[0].kind == "added"


def test_version_page_shows_diff_against_previous_version(publish, editor, burgerzaken, login, agent):
    article = publish("Paspoort aanvragen", "Leges € 80,00.\n\nOp afspraak.", burgerzaken)
    article_publish(user=editor, article=article, summary="Leges 2026", body="Leges € 84,35.\n\nOp afspraak.")
    client = login(agent)
    html = client.get(reverse("knowledgebase:version_detail", args=[article.pk, 2])).content.decode()
    assert "Leges 2026" in html
    assert "Wijzigingen ten opzichte van versie 1" in html
    assert "kcc-diff__del" in html and "kcc-diff__ins" in html
    old = client.get(reverse("knowledgebase:version_detail", args=[article.pk, 1])).content.decode()
    assert "80,00" in old and "oudere versie" in old
    assert client.get(reverse("knowledgebase:version_detail", args=[article.pk, 9])).status_code == 404


def test_version_list_shows_all_versions(publish, editor, burgerzaken, login, agent):
    article = publish("Paspoort aanvragen", "a", burgerzaken)
    article_publish(user=editor, article=article, summary="Tweede", body="b")
    html = login(agent).get(reverse("knowledgebase:version_list", args=[article.pk])).content.decode()
    assert "Tweede" in html and "Eerste versie" in html


def test_markdown_is_rendered_and_sanitised():
    html = render_markdown("# Kop\n\n**vet** <script>x</script> [link](javascript:alert(1)) [ok](https://example.nl)")
    assert "<h2>Kop</h2>" in html
    assert "<strong>vet</strong>" in html
    assert "<script>" not in html
    assert "href=\"javascript" not in html
    assert 'href="https://example.nl"' in html
    assert 'rel="noopener noreferrer"' in html


def test_editor_publishes_new_version_through_the_form(publish, editor, burgerzaken, login):
    article = publish("Paspoort aanvragen", "Oud.", burgerzaken)
    client = login(editor)
    data = {
        "title": article.title, "kind": "qa", "question": "", "body": "Nieuw.", "owner_department": burgerzaken.pk,
        "audience": "internal", "tags": "", "synonyms": "", "related": "", "review_by": "", "summary": "", "action": "publish",
    }
    missing = client.post(reverse("knowledgebase:article_edit", args=[article.pk]), data)
    assert missing.status_code == 422
    assert article.versions.count() == 1
    data["summary"] = "Tekst vernieuwd"
    response = client.post(reverse("knowledgebase:article_edit", args=[article.pk]), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.current_version.number == 2
    assert article.current_version.summary == "Tekst vernieuwd"


def test_create_form_saves_a_draft_and_publishes(editor, burgerzaken, login):
    client = login(editor)
    data = {
        "title": "Nieuw artikel", "kind": "text", "question": "", "body": "Tekst", "owner_department": burgerzaken.pk,
        "audience": "public", "tags": "a, b", "synonyms": "x", "related": "", "review_by": "", "summary": "", "action": "save",
    }
    assert client.post(reverse("knowledgebase:article_create"), data).status_code == 302
    from knowledgebase.models import Article

    draft = Article.objects.get(title="Nieuw artikel")
    assert draft.status == ArticleStatus.DRAFT
    data.update({"title": "Direct gepubliceerd", "action": "publish", "summary": "Eerste versie"})
    client.post(reverse("knowledgebase:article_create"), data)
    assert Article.objects.get(title="Direct gepubliceerd").status == ArticleStatus.PUBLISHED


def test_related_articles_must_exist_and_be_published(publish, editor, burgerzaken, login):
    other = publish("Rijbewijs", "x", burgerzaken)
    article = publish("Paspoort", "y", burgerzaken)
    client = login(editor)
    data = {
        "title": "Paspoort", "kind": "qa", "question": "", "body": "y2", "owner_department": burgerzaken.pk,
        "audience": "internal", "tags": "", "synonyms": "", "related": "KB-999999", "review_by": "", "summary": "Gerelateerd", "action": "publish",
    }
    assert client.post(reverse("knowledgebase:article_edit", args=[article.pk]), data).status_code == 422
    data["related"] = f"KB-{other.pk}"
    assert client.post(reverse("knowledgebase:article_edit", args=[article.pk]), data).status_code == 302
    assert list(article.related.all()) == [other]
    html = client.get(reverse("knowledgebase:article_detail", args=[article.pk])).content.decode()
    assert "Rijbewijs" in html


def test_review_overdue_list_and_review_confirmation(publish, editor, burgerzaken, login):
    import datetime

    from django.utils import timezone

    from knowledgebase.models import Article

    article = publish("Paspoort", "x", burgerzaken)
    Article.objects.filter(pk=article.pk).update(review_by=timezone.localdate() - datetime.timedelta(days=1))
    client = login(editor)
    assert "Paspoort" in client.get(reverse("knowledgebase:editorial")).content.decode()
    next_review = timezone.localdate() + datetime.timedelta(days=180)
    client.post(reverse("knowledgebase:article_review", args=[article.pk]), {"review_by": next_review.isoformat()})
    article.refresh_from_db()
    assert article.review_by == next_review
    assert article.versions.count() == 1  # a review is not a content change
    assert "Paspoort" not in client.get(reverse("knowledgebase:editorial")).content.decode()


def test_concurrent_numbering_never_duplicates(publish, editor, burgerzaken):
    article = publish("Paspoort", "x", burgerzaken)
    article_publish(user=editor, article=article, summary="2", body="y")
    # A stale in-memory article object still gets the next number (row lock + max).
    article_publish(user=editor, article=article, summary="3", body="z")
    assert sorted(article.versions.values_list("number", flat=True)) == [1, 2, 3]
