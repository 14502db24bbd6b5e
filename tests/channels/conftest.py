import shutil
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from kcc.core.constants import Role
from tests.conftest import make_staff


@pytest.fixture
def teamlead2(kcc_department):
    return make_staff("teamleider2", kcc_department, Role.TEAMLEAD, first_name="Lotte", last_name="Smit")


@pytest.fixture
def private_dir():
    """A private-storage sub folder for this test's files, removed afterwards."""
    name = f"test-{uuid.uuid4().hex}"
    yield name
    shutil.rmtree(Path(settings.KCC_PRIVATE_MEDIA_ROOT) / name, ignore_errors=True)

