from django.db import models
from django.utils.translation import gettext_lazy as _


class Refusal(models.TextChoices):
    """Why a sign-in with the organisation account was refused. The label is the page's heading;
    the log names only the code (no personal data)."""

    NO_ROLES = "no_roles", _("Your organisation account gives no access to the KCC")
    NO_ACCOUNT = "no_account", _("There is no KCC account for your organisation account")
    INACTIVE = "inactive", _("Your KCC account has been deactivated")
    BREAK_GLASS = "break_glass", _("This account signs in with its password only")
    INVALID = "invalid", _("Signing in with your organisation account failed")
    UNAVAILABLE = "unavailable", _("The identity provider cannot be reached")
