"""One date style everywhere (kcc/formats/nl/formats.py): the same moment reads "4 dec 2026" on
every page that shows it, never "4 december 2026", "4 Dec 2026" or "04-12-2026"."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from kcc.core.services import customer_create
from knowledgebase.services import article_create, article_publish
from tests.channels.factories import ContactFactory

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 12, 4, 10, 15, tzinfo=ZoneInfo("Europe/Amsterdam"))
OTHER_STYLES = ("4 december 2026", "4 Dec 2026", "04-12-2026", "4-12-2026", "vr 4 dec", "vrijdag 4")


def test_the_format_module_sets_one_style():
    with translation.override("nl"):
        rendered = Template(
            '{{ d|date }}|{{ d|date:"SHORT_DATE_FORMAT" }}|{{ t|date:"DATETIME_FORMAT" }}|{{ t|date:"SHORT_DATETIME_FORMAT" }}|{{ d|date:"MONTH_DAY_FORMAT" }}'
        ).render(Context({"d": date(2026, 3, 9), "t": MOMENT}))
    assert rendered == "9 mrt 2026|9 mrt 2026|4 dec 2026 10:15|4 dec 2026 10:15|9 mrt"


@time_machine.travel(MOMENT, tick=False)
def test_the_same_date_reads_the_same_on_every_page(login, agent, editor, burgerzaken):
    jan = customer_create(user=agent, first_name="Jan", last_name="Jansen", postcode="1011AB", house_number=12)
    contact = ContactFactory(customer=jan, subject="Afvalpas kwijt", started_at=MOMENT)
    article = article_create(user=editor, owner_department=burgerzaken, title="Afvalpas aanvragen", body="Via de website.")
    article_publish(user=editor, article=article, summary="Eerste versie")
    client = login(agent)
    pages = {
        "inbox": reverse("channels:inbox"),
        "contact": reverse("channels:contact_detail", args=[contact.pk]),
        "customer": reverse("core:customer_detail", args=[jan.pk]),
        "article": reverse("knowledgebase:article_detail", args=[article.pk]),
        "versions": reverse("knowledgebase:version_list", args=[article.pk]),
    }
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert "4 dec 2026" in html, name
        for style in OTHER_STYLES:
            assert style not in html, (name, style)
