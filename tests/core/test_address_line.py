"""Customer.address_line: one address style everywhere it is shown (workspace, search lists,
duplicates, callbacks, privacy). A house number never dangles before the postcode."""

import pytest
from django.utils import translation

from kcc.core.models import Customer


@pytest.mark.parametrize(("fields", "line"), [
    ({"street": "Damstraat", "house_number": 12, "house_number_addition": "A", "postcode": "1011AB", "city": "Amsterdam"}, "Damstraat 12 A, 1011 AB Amsterdam"),
    ({"street": "", "house_number": 12, "postcode": "1011AB"}, "1011 AB, huisnummer 12"),
    ({"street": "", "house_number": 12, "house_number_addition": "bis", "postcode": "1011AB", "city": "Amsterdam"}, "1011 AB Amsterdam, huisnummer 12 bis"),
    ({"street": "", "house_number": 12}, "huisnummer 12"),
    ({"street": "Damstraat", "postcode": "1011AB"}, "Damstraat, 1011 AB"),
    ({"street": "", "postcode": "", "city": ""}, ""),
])
def test_address_line(fields, line):
    with translation.override("nl"):
        assert Customer(last_name="Jansen", **fields).address_line == line
