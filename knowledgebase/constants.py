from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleKind(models.TextChoices):
    QUESTION_ANSWER = "qa", _("Question and answer")
    TEXT = "text", _("Free text")


class Audience(models.TextChoices):
    INTERNAL = "internal", _("Internal (KCC and departments only)")
    PUBLIC = "public", _("Public-ready (may be read out or sent to residents)")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class FeedbackKind(models.TextChoices):
    WRONG = "wrong", _("Wrong")
    UNCLEAR = "unclear", _("Unclear")
    OUTDATED = "outdated", _("Outdated")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")


# How far back contact usage counts towards the search ranking.
USAGE_WINDOW_DAYS = 90
# Default interval until the next content review after publishing.
REVIEW_INTERVAL_DAYS = 365
# Longest search input that is taken into account; the rest is ignored, never an error.
MAX_QUERY_CHARS = 200


class TextModuleChannel(models.TextChoices):
    """The written channels a text module is for. The values equal the inbox's channel values
    (channels.constants.Channel); the knowledge base does not import the inbox."""

    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    FACEBOOK = "facebook", _("Facebook")
    INSTAGRAM = "instagram", _("Instagram")
    X = "x", _("X")


# The variables a text module may use, and nothing else: rendering replaces exactly these
# {placeholders} (no template language, so an editor's text cannot run code or read data).
TEXT_MODULE_VARIABLES = {
    "inwoner": _("the resident's name (or 'Sir or Madam' when unknown)"),
    "medewerker": _("the agent's name"),
    "organisatie": _("the organisation's name (setting KCC_ORGANISATION_NAME)"),
    "contactnummer": _("the contact's number"),
}
