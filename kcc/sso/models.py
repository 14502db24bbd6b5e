from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kcc.core.constants import KCC_ROLES, Role
from kcc.core.models import Department


class GroupMapping(models.Model):
    """A group or role of the identity provider grants one role in one department.

    At every sign-in with the organisation account, the user's memberships become exactly what
    the mappings of their groups grant; a user none of whose groups is mapped gets no access."""

    claim_value = models.CharField(
        _("group or role at the identity provider"),
        max_length=255,
        db_index=True,
        help_text=_(
            "Exactly as the identity provider sends it in the groups or roles claim: for Entra ID the "
            "group's object ID or the app role's value, for Keycloak the group path such as /kcc/agents."
        ),
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="sso_group_mappings", verbose_name=_("department"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, help_text=_("The role members of the group get in this department."))

    class Meta:
        ordering = ["claim_value", "department__name", "role"]
        verbose_name = _("SSO group")
        verbose_name_plural = _("SSO groups")
        constraints = [
            models.UniqueConstraint(fields=["claim_value", "department", "role"], name="sso_groupmapping_unique"),
        ]

    def __str__(self):
        return f"{self.claim_value} → {self.get_role_display()} – {self.department}"

    def clean(self):
        # The rule of kcc.core.services.staff_role_grant, checked when the mapping is kept.
        if self.role in KCC_ROLES and self.department_id and not self.department.is_kcc:
            raise ValidationError({"department": _("Agents and team leads belong to the KCC department.")})


class Identity(models.Model):
    """Links an account to its subject at the identity provider, so that a renamed account at
    the provider still signs in as the same user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities", verbose_name=_("user"))
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject at the provider"), max_length=255, help_text=_("The provider's stable identifier of the account (the sub claim)."))
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("SSO identity")
        verbose_name_plural = _("SSO identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.issuer})"
