"""Knowledge-base factories. Articles are made through the services so that versions and the
search index are exactly as in production; the factory is for the raw model (drafts)."""

import factory

from knowledgebase.constants import ArticleStatus, FeedbackKind
from knowledgebase.models import Article, ArticleFeedback
from tests.core.factories import DepartmentFactory


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Conceptartikel {n}")
    body = "Tekst in opbouw."
    owner_department = factory.SubFactory(DepartmentFactory)
    status = ArticleStatus.DRAFT


class ArticleFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleFeedback

    article = factory.SubFactory(ArticleFactory)
    department = factory.LazyAttribute(lambda o: o.article.owner_department)
    kind = FeedbackKind.UNCLEAR
    note = "Niet duidelijk wat de inwoner moet meenemen."

    class Params:
        answered = factory.Trait(status="answered", response="Tekst is aangepast.")
