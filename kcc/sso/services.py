"""Sign-in with the organisation account: find or provision the user, map their groups to
memberships. The OpenID Connect protocol itself (tokens, signatures) is in backends.py."""

import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from kcc.core.exceptions import DomainError
from kcc.core.models import Membership
from kcc.core.services import staff_role_grant, staff_role_revoke

from .constants import Refusal
from .models import Identity
from .selectors import group_mapping_grants

logger = logging.getLogger(__name__)
User = get_user_model()


class SignInRefused(Exception):
    def __init__(self, reason: Refusal):
        super().__init__(reason.value)
        self.reason = reason


def claim_values(claims: dict, names: list[str]) -> set[str]:
    """The group or role names in `claims[name]` for every name; a dotted name reads a nested
    claim (Keycloak's realm_access.roles). A claim may be a list or a single string."""
    values = set()
    for name in names:
        value = claims
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            values |= {v.strip() for v in value if isinstance(v, str) and v.strip()}
    return values


def identity_sign_in(*, issuer: str, claims: dict, groups: set[str], username_claim: str, create_users: bool):
    """Return the active user for verified ID token claims, with memberships made equal to what
    the mappings of `groups` grant. Raises SignInRefused.

    Invariants: a user none of whose groups is mapped gets no access and no role, never a
    default one (an already linked user loses their roles, committed before the refusal); an
    account is created only with `create_users` and only for someone who gets a role;
    superusers (break-glass accounts) never sign in here. The user is found by the provider's
    subject first, then once by username, which links the subject to the account. Two
    first sign-ins of one person at once: one links, the other is refused (try again)."""
    grants = group_mapping_grants(groups)
    subject = str(claims["sub"])
    with transaction.atomic():
        identity = Identity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
        user = identity.user if identity else None
        if not grants:
            if user is not None and not user.is_superuser:
                memberships_sync(user=user, grants=set())
            refusal = Refusal.NO_ROLES
        else:
            refusal = None
    if refusal:
        raise SignInRefused(refusal)
    try:
        return _sign_in(user=user, identity=identity, issuer=issuer, subject=subject, claims=claims, grants=grants, username_claim=username_claim, create_users=create_users)
    except IntegrityError:
        # The same person signing in twice at once: the other request linked or created first.
        raise SignInRefused(Refusal.INVALID) from None


@transaction.atomic
def _sign_in(*, user, identity, issuer, subject, claims, grants, username_claim, create_users):
    if user is None:
        user = _user_by_username(claims, username_claim=username_claim, create=create_users, issuer=issuer)
        identity = Identity.objects.create(user=user, issuer=issuer, subject=subject)
    if user.is_superuser:
        raise SignInRefused(Refusal.BREAK_GLASS)
    if not user.is_active:
        raise SignInRefused(Refusal.INACTIVE)
    _user_update(user=user, claims=claims)
    memberships_sync(user=user, grants=grants)
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    return user


def _user_by_username(claims: dict, *, username_claim: str, create: bool, issuer: str):
    username = claims.get(username_claim)
    if not isinstance(username, str) or not username.strip() or len(username.strip()) > 150:
        raise SignInRefused(Refusal.NO_ACCOUNT)
    username = username.strip()
    users = list(User.objects.filter(username__iexact=username)[:2])
    if len(users) > 1:
        raise SignInRefused(Refusal.NO_ACCOUNT)
    if users:
        user = users[0]
        # Already linked to another subject of this provider: a reused or renamed account name
        # must not take over someone else's account.
        if Identity.objects.filter(user=user, issuer=issuer).exists():
            raise SignInRefused(Refusal.NO_ACCOUNT)
        return user
    if not create:
        raise SignInRefused(Refusal.NO_ACCOUNT)
    user = User(username=username)
    user.set_unusable_password()
    user.save()
    logger.info("SSO: account created at first sign-in (user id %s)", user.pk)
    return user


def _user_update(*, user, claims: dict) -> None:
    wanted = {
        "first_name": claims.get("given_name"),
        "last_name": claims.get("family_name"),
        "email": claims.get("email"),
    }
    changed = []
    for field, value in wanted.items():
        if isinstance(value, str) and value and getattr(user, field) != value[: User._meta.get_field(field).max_length]:
            setattr(user, field, value[: User._meta.get_field(field).max_length])
            changed.append(field)
    if changed:
        user.save(update_fields=changed)


def memberships_sync(*, user, grants: set[tuple]) -> None:
    """Make the user's memberships exactly `grants` ((department, role) pairs) through the core
    services, so that their Django groups follow. A grant that breaks a core rule (an agent role
    in a department that is no longer the KCC) is left out and logged."""
    wanted = {(dep.pk, role): dep for dep, role in grants}
    current = {(m.department_id, m.role): m.department for m in Membership.objects.filter(user=user).select_related("department")}
    for key in current.keys() - wanted.keys():
        staff_role_revoke(user=user, department=current[key], role=key[1])
    for key in wanted.keys() - current.keys():
        try:
            staff_role_grant(user=user, department=wanted[key], role=key[1])
        except DomainError:
            logger.warning("SSO: group mapping to %s in department %s breaks a role rule; skipped", key[1], key[0])
