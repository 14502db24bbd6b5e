"""BIO operations for functional admins: de-activating staff accounts and the yearly
access-rights review per department.

* De-activation switches the account off (no new logins) *and* ends its sessions at once, so a
  colleague who leaves does not stay logged in on a shared workstation. Every de-activation is
  recorded in the admin's history (LogEntry), also when done by unticking "active" in the form.
* The access review lists, per department, who holds which role, whether the account is active
  and when it last logged in: the department's manager confirms or corrects it once a year.
  The same export is `manage.py access_review [--department CODE] [--output FILE]`.

This module extends the admin classes of kcc/core/admin.py (imported at its bottom): the user
and department admins are subclassed and registered again, so their inlines and save_related
behaviour stay as they are.
"""

import logging
from collections.abc import Iterable
from importlib import import_module

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .exceptions import DomainError
from .models import Department, Membership

logger = logging.getLogger(__name__)
User = get_user_model()

# --- de-activation -------------------------------------------------------------------------


def _session_engine():
    return import_module(settings.SESSION_ENGINE)


def user_sessions_end(*, user_ids: Iterable[int]) -> dict[int, int]:
    """End every session of the given users; returns {user id: sessions ended}.

    Works for the database-backed session engines (db, cached_db): their sessions can be
    searched. Each unexpired session is decoded once and deleted through the engine's own
    store, so a cached_db session leaves the cache too. A request of that user that is still
    running cannot bring the session back: saving a deleted session fails (Django answers it
    with "session interrupted"), and the de-activated account is refused by the authentication
    backend on its next request anyway.
    """
    wanted = {str(pk) for pk in user_ids}
    ended = dict.fromkeys((int(pk) for pk in wanted), 0)
    engine = _session_engine()
    store_class = engine.SessionStore
    if not wanted or not hasattr(store_class, "get_model_class"):
        # Cookie- or cache-only sessions cannot be enumerated; is_active=False still refuses
        # the account on its next request (ModelBackend.get_user).
        return ended
    decoder = store_class()
    model = store_class.get_model_class()
    rows = model.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    for key, data in rows.iterator(chunk_size=2000):
        owner = decoder.decode(data).get("_auth_user_id")
        if owner in wanted:
            store_class(session_key=key).delete()
            ended[int(owner)] += 1
    return ended


@transaction.atomic
def user_deactivate(*, user, by) -> int:
    """De-activate a staff account and end all its sessions; returns the number of sessions
    ended. Memberships stay (they are history and appear in the access review as inactive).

    Refused (DomainError): de-activating yourself (it would lock the admin out mid-action), and
    a non-superuser de-activating a superuser. Running it again on an inactive account only
    ends sessions that might still exist.
    """
    if user.pk == by.pk:
        raise DomainError(_("You cannot deactivate your own account."))
    if user.is_superuser and not by.is_superuser:
        raise DomainError(_("Only a superuser can deactivate a superuser."))
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ended = user_sessions_end(user_ids=[user.pk])[user.pk]
    logger.info("User %s deactivated by user %s; %s session(s) ended.", user.pk, by.pk, ended)
    return ended


def _deactivation_message(ended: int) -> str:
    return ngettext("Deactivated; %(n)d session ended.", "Deactivated; %(n)d sessions ended.", ended) % {"n": ended}


# --- access review -------------------------------------------------------------------------

from .csvsafe import FORMULA_PREFIXES, csv_cell, csv_text, defuse  # noqa: F401,E402  (re-exported)


def access_review_header() -> list[str]:
    return [_("Department"), _("Department code"), _("Username"), _("Full name"), _("Role"), _("Active"), _("Last login"), _("Date joined")]


def access_review_rows(*, departments: Iterable[Department] | None = None) -> list[list]:
    """One row per membership (user, department, role), sorted by department, user and role.

    With `departments` only their memberships. Without it every membership, followed by the
    active accounts that hold no membership at all (department left empty): they would
    otherwise escape every department's review.
    """
    memberships = Membership.objects.select_related("user", "department").order_by("department__name", "user__username", "role")
    if departments is not None:
        memberships = memberships.filter(department__in=list(departments))
    rows = [
        [m.department.name, m.department.code, m.user.get_username(), m.user.get_full_name(), m.get_role_display(),
         m.user.is_active, m.user.last_login, m.user.date_joined]
        for m in memberships
    ]
    if departments is None:
        loose = User.objects.filter(is_active=True, memberships__isnull=True).order_by("username")
        rows += [
            ["", "", u.get_username(), u.get_full_name(), _("superuser") if u.is_superuser else _("no role"), u.is_active, u.last_login, u.date_joined]
            for u in loose
        ]
    return rows


def access_review_csv(*, departments: Iterable[Department] | None = None) -> str:
    """The review with its header row as CSV text."""
    return csv_text([access_review_header(), *access_review_rows(departments=departments)])


# --- admin ---------------------------------------------------------------------------------

BaseUserAdmin = type(admin.site._registry[User])
BaseDepartmentAdmin = type(admin.site._registry[Department])


class UserAdmin(BaseUserAdmin):
    """The project's user admin plus de-activation that ends sessions."""

    actions = [*(BaseUserAdmin.actions or []), "deactivate_users"]

    @admin.action(description=gettext_lazy("Deactivate selected users and end their sessions"), permissions=["change"])
    def deactivate_users(self, request, queryset):
        done = 0
        for user in queryset.order_by("username"):
            try:
                ended = user_deactivate(user=user, by=request.user)
            except DomainError as exc:
                self.message_user(request, f"{user.get_username()}: {exc.message}", messages.ERROR)
                continue
            self.log_change(request, user, _deactivation_message(ended))
            done += 1
        if done:
            self.message_user(
                request, ngettext("%(n)d user deactivated; their sessions have ended.", "%(n)d users deactivated; their sessions have ended.", done) % {"n": done},
                messages.SUCCESS,
            )

    def save_model(self, request, obj, form, change):
        """Unticking "active" in the form is a de-activation too: end the sessions."""
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            ended = user_sessions_end(user_ids=[obj.pk])[obj.pk]
            self.log_change(request, obj, _deactivation_message(ended))


class DepartmentAdmin(BaseDepartmentAdmin):
    """The project's department admin plus the yearly access-rights review export."""

    actions = [*(BaseDepartmentAdmin.actions or []), "export_access_review"]

    @admin.action(description=gettext_lazy("Export access review (CSV) of selected departments"), permissions=["view"])
    def export_access_review(self, request, queryset):
        departments = list(queryset.order_by("name"))
        text = access_review_csv(departments=departments)
        logger.info("Access review exported by user %s for departments %s.", request.user.pk, ",".join(d.code for d in departments))
        stamp = timezone.localdate().isoformat()
        name = departments[0].code if len(departments) == 1 else "afdelingen"
        response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="toegangsrechten-{name}-{stamp}.csv"'
        response["Cache-Control"] = "no-store"
        return response


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
admin.site.unregister(Department)
admin.site.register(Department, DepartmentAdmin)
