"""The web-form and portal channel: what a submission said besides its text (the form, the
fields as the resident saw them, how the answer should go back).

Imported at the bottom of ``channels/models.py`` so that it belongs to the "inbox" app.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import ReplyRoute
from .models import Message

__all__ = ["FormSubmission"]


class FormSubmission(models.Model):
    """One submission of a website form (e.g. Open Formulieren) or a tenant/resident portal.

    Unique per (form, submission id): the sender's retry with a new webhook id, or the same
    submission sent twice, creates no second contact (docs/integrations.md, "Webformulier en
    huurdersportaal")."""

    message = models.OneToOneField(
        Message, on_delete=models.CASCADE, related_name="form_submission", verbose_name=_("message"),
        help_text=_("The inbound message the submission became."),
    )
    form_id = models.CharField(_("form id"), max_length=200, help_text=_("The form's id in the form platform or portal."))
    form_name = models.CharField(_("form name"), max_length=255, help_text=_("The form's name as the resident saw it."))
    submission_id = models.CharField(
        _("submission id"), max_length=200, help_text=_("The platform's id of this submission; a second delivery with the same id is a duplicate."),
    )
    submitted_at = models.DateTimeField(_("submitted"), help_text=_("When the resident submitted the form, according to the platform."))
    fields = models.JSONField(
        _("fields"), default=list, blank=True, help_text=_("The form's fields in their order: a list of {\"label\", \"value\"}."),
    )
    submitter_phone = models.CharField(_("phone"), max_length=32, blank=True, help_text=_("The phone number given in the form, in E.164 when it was valid."))
    bsn_masked = models.CharField(
        _("BSN (masked)"), max_length=9, blank=True,
        help_text=_("Only the last three digits of the BSN the platform sent; the full number is used for matching and stays in the raw payload."),
    )
    reply_route = models.CharField(
        _("reply via"), max_length=10, choices=ReplyRoute.choices, default=ReplyRoute.EMAIL,
        help_text=_("How the resident wants the answer: by e-mail or in the portal."),
    )
    portal_reference = models.CharField(
        _("portal reference"), max_length=200, blank=True,
        help_text=_("The portal's reference for the conversation; replies to the portal are posted with it."),
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Attachments that were not stored separately (too large), in the agent's words."),
    )

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [models.UniqueConstraint(fields=["form_id", "submission_id"], name="formsubmission_once")]

    def __str__(self):
        return f"{self.form_name} {self.submission_id}"
