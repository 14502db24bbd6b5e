"""The date of birth (asked to tell residents apart) is personal data: exported and erased."""

import json
import zipfile
from datetime import date
from io import BytesIO

import pytest

from kcc.core.models import Customer
from kcc.privacy.services import customer_erase
from kcc.privacy.services.export import customer_export_build

pytestmark = pytest.mark.django_db


def test_date_of_birth_is_in_the_access_export_and_gone_after_erasure(make_resident, privacy_officer):
    resident = make_resident()
    Customer.objects.filter(pk=resident.customer.pk).update(birth_date=date(1980, 3, 12))
    customer = Customer.objects.get(pk=resident.customer.pk)

    _name, data = customer_export_build(user=privacy_officer, customer=customer)
    with zipfile.ZipFile(BytesIO(data)) as zf:
        records = json.loads(zf.read("klant.json"))
    assert records[0]["geboortedatum"] == "1980-03-12"

    customer_erase(user=privacy_officer, customer=customer)
    assert Customer.objects.get(pk=customer.pk).birth_date is None
