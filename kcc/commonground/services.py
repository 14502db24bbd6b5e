"""Writes of the Common Ground integration: adopting BRP data into the customer record, and
linking a contact to a case (zaak)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kcc.core.constants import Purpose
from kcc.core.exceptions import DomainError
from kcc.core.models import Customer
from kcc.core.services import customer_update

from .lookups import BrpPerson, Case


@transaction.atomic
def customer_adopt_brp(*, user, customer: Customer, person: BrpPerson, contact=None) -> Customer:
    """Copy the BRP person's BSN, name, date of birth and (unless confidential) address into
    the customer record in one step, and mark the BSN "verified via BRP" with today's date.

    ``person`` must come from a lookup made in this request (never from the browser). The BSN
    stays unique: a BSN another record holds is refused (merge the two first). A confidential
    person (geheimhouding) has no address in ``person``: the record's address is left alone.
    """
    if person.deceased:
        raise DomainError(_("The BRP registers this person as deceased: nothing was adopted."))
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    fields = {"bsn": person.bsn, "last_name": person.last_name or customer.last_name, "first_name": person.first_name,
              "name_prefix": person.prefix, "birth_date": person.birth_date}
    if not person.confidential and person.street:
        fields |= {"street": person.street, "house_number": person.house_number, "house_number_addition": person.house_number_addition,
                   "postcode": person.postcode, "city": person.city}
    context = f"brp:adopt contact {contact.pk}" if contact is not None else "brp:adopt"
    try:
        customer = customer_update(user=user, customer=customer, purpose=Purpose.IDENTIFY, context=context, **fields)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from None
    customer.bsn_verified_at = timezone.now()
    customer.save(update_fields=["bsn_verified_at", "updated_at"])
    return customer


@transaction.atomic
def contact_case_link(*, contact, case: Case | None):
    """Link the contact to a case (``None`` unlinks). ``case`` comes from the Zaken API in
    this request, so the identification always belongs to the URL."""
    from channels.models import Contact

    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact.case_url = case.url if case else ""
    contact.case_identification = case.identification if case else ""
    contact.save(update_fields=["case_url", "case_identification", "updated_at"])
    return contact
