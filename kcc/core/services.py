"""Write operations of the core domain. Views, admin, tasks and commands all call these."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import AddressKind, LogAction, Purpose, Role
from .exceptions import DomainError
from .logging import request_id_var
from .models import Customer, Department, DigitalAddress, Membership, ProcessingLogEntry
from .normalize import normalize_email, normalize_phone, normalize_postcode, validate_bsn


def processing_log_record(
    *, user, customers: Iterable[Customer], action: LogAction, purpose: Purpose, context: str = ""
) -> list[ProcessingLogEntry]:
    """Append one entry per customer to the processing log (one INSERT). Never skipped: an
    unlogged read of personal data is an AVG breach, so callers log before rendering."""
    username = getattr(user, "get_username", lambda: "")() if user is not None else "system"
    entries = [
        ProcessingLogEntry(
            user=user if getattr(user, "pk", None) else None,
            username=username or "system",
            customer=c,
            customer_ref=c.pk,
            action=action,
            purpose=purpose,
            context=context[:200],
            request_id=request_id_var.get() if request_id_var.get() != "-" else "",
        )
        for c in customers
    ]
    return ProcessingLogEntry.objects.bulk_create(entries)


def _clean_customer_fields(data: dict) -> dict:
    cleaned = dict(data)
    errors = {}
    if cleaned.get("postcode"):
        try:
            cleaned["postcode"] = normalize_postcode(cleaned["postcode"])
        except ValidationError as exc:
            errors["postcode"] = exc.messages
    if cleaned.get("bsn"):
        try:
            cleaned["bsn"] = validate_bsn(cleaned["bsn"])
        except ValidationError as exc:
            errors["bsn"] = exc.messages
    if not (cleaned.get("last_name") or "").strip():
        errors["last_name"] = [_("A surname is required.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


CUSTOMER_FIELDS = ("first_name", "name_prefix", "last_name", "birth_date", "street", "house_number", "house_number_addition", "postcode", "city", "bsn")


def _bsn_taken(bsn: str) -> bool:
    return Customer.objects.filter(bsn=bsn).exists()


@transaction.atomic
def customer_create(*, user, purpose: Purpose = Purpose.ADMINISTRATION, context: str = "", email: str = "", phone: str = "", **fields) -> Customer:
    """Create a customer with optional e-mail and phone. Validates postcode, BSN (elfproef) and
    phone; raises ValidationError with per-field messages."""
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    cleaned = _clean_customer_fields(fields)
    if cleaned.get("bsn") and _bsn_taken(cleaned["bsn"]):
        raise ValidationError({"bsn": [_("A customer with this BSN already exists.")]})
    customer = Customer(**cleaned)
    customer.full_clean(exclude=["name_folded"])
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:
        # Two agents saving the same BSN at once: the unique index decides, the loser gets the field error.
        if cleaned.get("bsn") and "core_customer_bsn_unique" in str(exc):
            raise ValidationError({"bsn": [_("A customer with this BSN already exists.")]}) from exc
        raise
    if email:
        customer_address_add(customer=customer, kind=AddressKind.EMAIL, value=email, is_default=True)
    if phone:
        customer_address_add(customer=customer, kind=AddressKind.PHONE, value=phone, is_default=True)
    processing_log_record(user=user, customers=[customer], action=LogAction.CREATE, purpose=purpose, context=context)
    return customer


@transaction.atomic
def customer_update(*, user, customer: Customer, purpose: Purpose = Purpose.ADMINISTRATION, context: str = "", **fields) -> Customer:
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    current = {f: getattr(customer, f) for f in CUSTOMER_FIELDS} | fields
    cleaned = _clean_customer_fields(current)
    changed = [f for f in fields if getattr(customer, f) != cleaned[f]]
    if cleaned.get("bsn") and "bsn" in changed and Customer.objects.filter(bsn=cleaned["bsn"]).exclude(pk=customer.pk).exists():
        raise ValidationError({"bsn": [_("A customer with this BSN already exists.")]})
    for f in changed:
        setattr(customer, f, cleaned[f])
    if "bsn" in changed and customer.bsn_verified_at is not None:
        # The BRP verified the old BSN, not this one (commonground.services.customer_adopt_brp
        # sets the mark again after it adopts).
        customer.bsn_verified_at = None
        changed.append("bsn_verified_at")
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
        processing_log_record(user=user, customers=[customer], action=LogAction.CHANGE, purpose=purpose, context=context or ",".join(changed))
    return customer


def normalize_address(kind: str, value: str) -> str:
    if kind == AddressKind.PHONE:
        return normalize_phone(value)
    if kind == AddressKind.EMAIL:
        email = normalize_email(value)
        from django.core.validators import validate_email

        validate_email(email)
        return email
    if kind == AddressKind.SOCIAL:
        platform, sep, handle = (value or "").partition(":")
        if not sep or not platform.strip() or not handle.strip():
            raise ValidationError(_("A social handle is written as 'platform:handle'."), code="social")
        return f"{platform.strip().lower()}:{handle.strip()}"
    raise ValidationError(_("Unknown address kind."))


@transaction.atomic
def customer_address_add(*, customer: Customer, kind: str, value: str, is_default: bool = False, verified: bool = False) -> DigitalAddress:
    """Add (or return the existing) digital address. A new default demotes the old one."""
    normalized = normalize_address(kind, value)
    address, created = DigitalAddress.objects.get_or_create(customer=customer, kind=kind, value=normalized)
    update = []
    if is_default and not address.is_default:
        DigitalAddress.objects.filter(customer=customer, kind=kind, is_default=True).exclude(pk=address.pk).update(is_default=False)
        address.is_default = True
        update.append("is_default")
    elif created and not DigitalAddress.objects.filter(customer=customer, kind=kind, is_default=True).exists():
        address.is_default = True
        update.append("is_default")
    if verified and address.verified_at is None:
        address.verified_at = timezone.now()
        update.append("verified_at")
    if update:
        address.save(update_fields=update)
    return address


def customer_bsn_reveal(*, user, customer: Customer, purpose: Purpose, context: str = "") -> str:
    """Return the unmasked BSN if the user holds core.view_bsn; the reveal is logged."""
    if not user.has_perm("core.view_bsn"):
        raise PermissionDenied
    processing_log_record(user=user, customers=[customer], action=LogAction.REVEAL_BSN, purpose=purpose, context=context)
    return customer.bsn


# --- staff -----------------------------------------------------------------------------


def staff_groups_sync(*, user) -> None:
    """Make the user's Django groups equal to the roles of their memberships, so that the
    groups' model permissions (admin, BSN reveal) follow the roles."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    groups = list(Group.objects.filter(name__in=Role.values))
    user.groups.remove(*[g for g in groups if g.name not in roles])
    user.groups.add(*[g for g in groups if g.name in roles])
    is_staff = Role.ADMIN in roles or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    if hasattr(user, "_kcc_memberships"):
        del user._kcc_memberships
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        if hasattr(user, cache):
            delattr(user, cache)


@transaction.atomic
def staff_role_grant(*, user, department: Department, role: str) -> Membership:
    """Give `user` `role` in `department`. KCC roles belong to the KCC department."""
    if role not in Role.values:
        raise DomainError(_("Unknown role."), field="role")
    if role in (Role.AGENT, Role.TEAMLEAD) and not department.is_kcc:
        raise DomainError(_("Agents and team leads belong to the KCC department."), field="department")
    membership, _created = Membership.objects.get_or_create(user=user, department=department, role=role)
    staff_groups_sync(user=user)
    return membership


@transaction.atomic
def staff_role_revoke(*, user, department: Department, role: str) -> None:
    Membership.objects.filter(user=user, department=department, role=role).delete()
    staff_groups_sync(user=user)


@transaction.atomic
def department_update(*, department: Department, **fields) -> Department:
    """Update a department's reachability, opening hours or contact details."""
    allowed = {"opening_hours", "reachability", "email", "phone", "callback_norm_days"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"fields not editable here: {sorted(unknown)}")
    changed = [f for f, v in fields.items() if getattr(department, f) != v]
    for f in changed:
        setattr(department, f, fields[f])
    if changed:
        department.full_clean()
        department.save(update_fields=changed)
    return department
