from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles. Each is a Django group and is held per department (Membership)."""

    AGENT = "agent", _("KCC agent")
    BACKOFFICE = "backoffice", _("Back-office employee")
    TEAMLEAD = "teamlead", _("KCC team lead")
    MANAGER = "manager", _("Department manager")
    EDITOR = "editor", _("Knowledge editor")
    ADMIN = "admin", _("Functional administrator")
    PRIVACY = "privacy", _("Privacy officer")


# Roles that work in the KCC itself and may see every resident.
KCC_ROLES = frozenset({Role.AGENT, Role.TEAMLEAD})


class AddressKind(models.TextChoices):
    EMAIL = "email", _("E-mail address")
    PHONE = "phone", _("Phone number")
    SOCIAL = "social", _("Social media handle")


class LogAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    SEARCH = "search", _("Shown in search results")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    REVEAL_BSN = "reveal_bsn", _("BSN revealed")
    EXPORT = "export", _("Exported")
    ERASE = "erase", _("Erased")
    MERGE = "merge", _("Merged")
    EXTERNAL_LOOKUP = "external_lookup", _("Looked up in an external register")


class Purpose(models.TextChoices):
    """Why personal data was processed (AVG art. 30, BIO logging)."""

    ANSWER_QUESTION = "answer_question", _("Answering the resident's question")
    IDENTIFY = "identify", _("Identifying the resident")
    CALLBACK = "callback", _("Handling a callback request")
    SIGNAL = "signal", _("Handling a signal")
    ADMINISTRATION = "administration", _("Administration of resident data")
    PRIVACY_REQUEST = "privacy_request", _("Privacy request by the resident")
    RETENTION = "retention", _("Retention enforcement")
