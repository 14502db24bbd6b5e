"""Department guide ("wie doet wat"): readable by all staff, maintained by editors and the
department's manager; the public URL helper for the transfer and callback forms."""

import pytest
from django.urls import reverse

from kcc.core.exceptions import DomainError
from knowledgebase.models import DepartmentGuide
from knowledgebase.selectors import department_guide_url
from knowledgebase.services import guide_update

pytestmark = pytest.mark.django_db


def test_guide_url_helper(belastingen):
    assert department_guide_url(belastingen) == "/kennisbank/wie-doet-wat/belastingen/"


def test_all_staff_read_the_guide_with_reachability(login, backoffice_burgerzaken, agent, belastingen, editor):
    belastingen.opening_hours = "ma-vr 9:00-12:00"
    belastingen.reachability = "Alleen 's ochtends"
    belastingen.save()
    guide_update(user=editor, department=belastingen, handles="**OZB** en WOZ", when_to_callback="Na de aanslagen")
    for user in (agent, backoffice_burgerzaken):
        html = login(user).get(department_guide_url(belastingen)).content.decode()
        assert "<strong>OZB</strong> en WOZ" in html
        assert "ma-vr 9:00-12:00" in html and "Alleen &#x27;s ochtends" in html
        assert "Na de aanslagen" in html


def test_guide_index_lists_departments_with_pinned_queries(login, agent, belastingen, burgerzaken, kcc_department, django_assert_num_queries):
    client = login(agent)
    client.get(reverse("knowledgebase:guide_index"))
    with django_assert_num_queries(5):  # session, user, memberships, departments, guides
        html = client.get(reverse("knowledgebase:guide_index")).content.decode()
    assert "Belastingen" in html and "Burgerzaken" in html


def test_manager_maintains_own_department_guide_only(login, manager_belastingen, belastingen, burgerzaken):
    client = login(manager_belastingen)
    data = {"handles": "Belastingen", "does_not_handle": "", "when_to_transfer": "", "when_to_callback": "", "opening_hours": "ma-vr 9-12", "reachability": "Bel terug"}
    assert client.post(reverse("knowledgebase:guide_edit", args=["belastingen"]), data).status_code == 302
    belastingen.refresh_from_db()
    assert belastingen.opening_hours == "ma-vr 9-12"
    assert DepartmentGuide.objects.get(department=belastingen).handles == "Belastingen"
    assert client.post(reverse("knowledgebase:guide_edit", args=["burgerzaken"]), data).status_code == 404
    assert not DepartmentGuide.objects.filter(department=burgerzaken).exists()


def test_agents_and_back_office_cannot_edit_guides(login, agent, backoffice_belastingen, belastingen):
    assert login(agent).get(reverse("knowledgebase:guide_edit", args=["belastingen"])).status_code == 403
    assert login(backoffice_belastingen).get(reverse("knowledgebase:guide_edit", args=["belastingen"])).status_code == 403
    with pytest.raises(DomainError):
        guide_update(user=backoffice_belastingen, department=belastingen, handles="x")


def test_unknown_department_guide_is_404(login, agent):
    assert login(agent).get(reverse("knowledgebase:guide_detail", args=["bestaat-niet"])).status_code == 404


def test_guide_markdown_is_sanitised(editor, belastingen, login, agent):
    guide_update(user=editor, department=belastingen, handles="<script>alert(1)</script> [x](javascript:alert(1))")
    html = login(agent).get(department_guide_url(belastingen)).content.decode()
    assert "<script>alert" not in html and 'href="javascript' not in html
