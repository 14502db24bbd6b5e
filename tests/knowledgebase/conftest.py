import pytest

from kcc.core.constants import Role
from knowledgebase.services import article_create, article_publish
from tests.conftest import make_staff
from tests.core.factories import DepartmentFactory


@pytest.fixture
def afval(db):
    return DepartmentFactory(code="afval", name="Afval en Reiniging")


@pytest.fixture
def editor_burgerzaken(burgerzaken):
    return make_staff("redacteur-burgerzaken", burgerzaken, Role.EDITOR, first_name="Lotte", last_name="Smit")


@pytest.fixture
def publish(editor):
    """publish(title, body, department, **fields) creates and publishes an article as the
    central (KCC) editor and returns it."""

    def _publish(title, body="", department=None, *, summary="Eerste versie", user=None, **fields):
        author = user or editor
        article = article_create(user=author, owner_department=department, title=title, body=body, **fields)
        article_publish(user=author, article=article, summary=summary)
        article.refresh_from_db()
        return article

    return _publish
