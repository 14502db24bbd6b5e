import pytest

from kcc.core.constants import Role
from tests.conftest import make_staff
from tests.core.factories import DepartmentFactory


@pytest.fixture
def afval(db):
    return DepartmentFactory(code="afval", name="Afval en Reiniging", email="afval@voorbeeldstad.example")


@pytest.fixture
def manager_burgerzaken(burgerzaken):
    return make_staff("manager-burgerzaken", burgerzaken, Role.MANAGER, first_name="Ilse", last_name="de Boer")


@pytest.fixture
def backoffice_belastingen2(belastingen):
    return make_staff("bo2-belastingen", belastingen, Role.BACKOFFICE, first_name="Kim", last_name="Bos")
