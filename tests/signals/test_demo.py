import pytest
from faker import Faker

from kcc.core import demo as core_demo
from kcc.core.models import Department
from signals import demo
from signals.constants import SignalStatus
from signals.models import Evidence, Signal, StatusChange

from .factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def core_data():
    departments = core_demo.seed_departments(lambda msg: None)
    core_demo.seed_staff(lambda msg: None, departments, Faker("nl_NL"))
    return departments


def test_demo_seeds_about_forty_signals_without_contacts_and_links_them_later(core_data):
    lines = []
    demo.seed(lines.append)
    assert 38 <= Signal.objects.count() <= 45
    assert Evidence.objects.count() == 0
    titles = set(Signal.objects.values_list("title", flat=True))
    assert {"Aannemer komt afspraken niet na", "Belastingen onbereikbaar na aanslagen", "Brief parkeervergunning onduidelijk"} <= titles
    assert set(Signal.objects.values_list("status", flat=True)) == set(SignalStatus.values)
    assert StatusChange.objects.filter(by__memberships__department__is_kcc=False).exists()  # responses from departments
    assert Signal.objects.filter(merged_into__isnull=False).count() == 1

    belastingen = Department.objects.get(code="belastingen")
    for i in range(5):
        ContactFactory(subject=f"Aanslag gemeentelijke belastingen {i}", topic_department=belastingen)
    demo.seed(lines.append)
    assert Signal.objects.count() == len(titles)  # idempotent
    target = Signal.objects.get(title="Belastingen onbereikbaar na aanslagen")
    assert target.evidence.count() >= 5
    demo.seed(lines.append)
    assert Evidence.objects.count() == Evidence.objects.values("contact").distinct().count()
