"""Web-form and portal submissions (Open Formulieren, a tenant or resident portal).

The contract is in docs/integrations.md ("Webformulier en huurdersportaal") and, machine-readable,
in docs/openapi/webform.yaml. One submission becomes one new contact on the web-form channel:

* The raw body is stored first (``store_raw``, dedupe key ``webform-webhook:<webhook-id>``), so a
  replayed webhook stores nothing.
* A submission is identified by (form id, submission id): a second delivery of it (the platform
  retrying with a new webhook id) is a DUPLICATE and creates nothing. The pair is claimed under an
  advisory lock and guarded by FormSubmission's unique key, so two concurrent deliveries give one
  contact.
* Invalid input (not JSON, a missing field, a BSN that fails the elfproef, an attachment that is not
  base64) is quarantined with the reason and the field; the raw payload stays for a team lead.
* The form's fields are kept in their order as label/value pairs, and also written into the
  message's text (for search and the timeline). Attachments follow the e-mail rules: the name
  through the one cleaner, the type sniffed from the bytes, larger than KCC_ATTACHMENT_MAX_BYTES
  not stored but noted in the text.
* The resident is linked on the BSN (exactly one active customer with it), else on a verified
  e-mail address or phone number, as for e-mail. The BSN is kept masked on the submission and is
  never logged or put in a reason.
"""

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from kcc.core.files import sanitize_filename
from kcc.core.models import Customer
from kcc.core.normalize import mask_bsn, normalize_email, try_normalize_phone, validate_bsn

from ..constants import Channel, ContactStatus, Direction, InboundStatus, ReplyRoute
from ..models import Contact, InboundRaw, Message
from ..models_webform import FormSubmission
from .files import (
    attachment_files_delete,
    attachment_store,
    skipped_attachment_note,
    sniff_content_type,
)
from .matching import customer_for_email, customer_for_phone
from .store import (
    IngestResult,
    PayloadError,
    json_object,
    lock_key,
    logger,
    mark_quarantined,
    parse_moment,
    process_locked,
)
from .text import clean_text

MAX_ID = 200
MAX_NAME = 255
MAX_FIELDS = 200
MAX_LABEL = 500
MAX_VALUE = 20_000
MAX_ATTACHMENTS = 20


@dataclass
class FormAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class WebformSubmission:
    form_id: str
    form_name: str
    submission_id: str
    submitted_at: datetime
    subject: str
    name: str
    email: str
    phone: str
    phone_e164: str
    bsn: str
    fields: list[dict]
    attachments: list[FormAttachment] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    reply_route: str = ReplyRoute.EMAIL
    portal_reference: str = ""


def _text(data: dict, key: str, *, path: str = "", required: bool = False, max_length: int = MAX_NAME) -> str:
    name = f"{path}{key}"
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise PayloadError(_("'%(field)s' is required.") % {"field": name}, field=name)
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise PayloadError(_("'%(field)s' must be a text.") % {"field": name}, field=name)
    value = clean_text(value, single_line=True)
    if required and not value:
        raise PayloadError(_("'%(field)s' is required.") % {"field": name}, field=name)
    if len(value) > max_length:
        raise PayloadError(_("'%(field)s' is longer than %(max)s characters.") % {"field": name, "max": max_length}, field=name)
    return value


def _object(data: dict, key: str) -> dict:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError(_("'%(field)s' must be an object.") % {"field": key}, field=key)
    return value


def _list(data: dict, key: str, *, limit: int, required: bool = False) -> list:
    value = data.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise PayloadError(_("'%(field)s' must be a non-empty list.") % {"field": key} if required else _("'%(field)s' must be a list.") % {"field": key}, field=key)
    if len(value) > limit:
        raise PayloadError(_("'%(field)s' has more than %(max)s items.") % {"field": key, "max": limit}, field=key)
    return value


def _fields(data: dict) -> list[dict]:
    result = []
    for index, item in enumerate(_list(data, "fields", limit=MAX_FIELDS, required=True)):
        path = f"fields[{index}]."
        if not isinstance(item, dict):
            raise PayloadError(_("'%(field)s' must be an object with a label and a value.") % {"field": path[:-1]}, field=path[:-1])
        label = _text(item, "label", path=path, required=True, max_length=MAX_LABEL)
        if "value" not in item:
            raise PayloadError(_("'%(field)s' is required.") % {"field": f"{path}value"}, field=f"{path}value")
        value = item["value"]
        if value is None:  # an empty field may be sent as null
            value = ""
        if not isinstance(value, str):
            raise PayloadError(_("'%(field)s' must be a text.") % {"field": f"{path}value"}, field=f"{path}value")
        value = clean_text(value).strip()
        if len(value) > MAX_VALUE:
            raise PayloadError(
                _("'%(field)s' is longer than %(max)s characters.") % {"field": f"{path}value", "max": MAX_VALUE}, field=f"{path}value"
            )
        result.append({"label": label, "value": value})
    return result


def _attachments(data: dict, submission: WebformSubmission) -> None:
    for index, item in enumerate(_list(data, "attachments", limit=MAX_ATTACHMENTS)):
        path = f"attachments[{index}]."
        if not isinstance(item, dict):
            raise PayloadError(_("'%(field)s' must be an object.") % {"field": path[:-1]}, field=path[:-1])
        filename = sanitize_filename(_text(item, "filename", path=path, required=True, max_length=MAX_NAME))
        declared = _text(item, "content_type", path=path, max_length=100)
        content = item.get("content")
        if not isinstance(content, str) or not content:
            raise PayloadError(_("'%(field)s' is required: the file in base64.") % {"field": f"{path}content"}, field=f"{path}content")
        try:
            payload = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise PayloadError(_("'%(field)s' is not valid base64.") % {"field": f"{path}content"}, field=f"{path}content") from None
        if len(payload) > settings.KCC_ATTACHMENT_MAX_BYTES:
            submission.skipped.append({"filename": filename, "size": len(payload), "reason": "too large"})
            continue
        submission.attachments.append(FormAttachment(filename=filename, content_type=sniff_content_type(payload, declared), data=payload))


def parse_webform(payload: bytes, *, received: datetime) -> WebformSubmission:
    """Validate a submission against the contract; raises PayloadError (reason and field).
    A reason never quotes the BSN."""
    data = json_object(payload)
    submitter = _object(data, "submitter")
    email = _text(submitter, "email", path="submitter.", max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise PayloadError(_("'submitter.email' is not a valid e-mail address."), field="submitter.email") from None
    bsn = _text(submitter, "bsn", path="submitter.", max_length=20)
    if bsn:
        try:
            bsn = validate_bsn(bsn)
        except ValidationError:
            raise PayloadError(_("'submitter.bsn' is not a valid BSN (it fails the elfproef)."), field="submitter.bsn") from None
    phone = _text(submitter, "phone", path="submitter.", max_length=32)
    reply = _object(data, "reply")
    route = _text(reply, "channel", path="reply.", max_length=10) or ReplyRoute.EMAIL
    if route not in ReplyRoute.values:
        raise PayloadError(_("'reply.channel' must be \"email\" or \"portal\"."), field="reply.channel")
    portal_reference = _text(reply, "portal_reference", path="reply.", required=route == ReplyRoute.PORTAL, max_length=MAX_ID)
    submitted_at = data.get("submitted_at")
    if submitted_at in (None, ""):
        raise PayloadError(_("'%(field)s' is required.") % {"field": "submitted_at"}, field="submitted_at")
    submission = WebformSubmission(
        form_id=_text(data, "form_id", required=True, max_length=MAX_ID),
        form_name=_text(data, "form_name", required=True, max_length=MAX_NAME),
        submission_id=_text(data, "submission_id", required=True, max_length=MAX_ID),
        submitted_at=parse_moment(submitted_at, received=received, field="submitted_at"),
        subject=_text(data, "subject", max_length=MAX_NAME),
        name=_text(submitter, "name", path="submitter.", max_length=200),
        email=normalize_email(email),
        phone=phone,
        phone_e164=(try_normalize_phone(phone) or "") if phone else "",
        bsn=bsn,
        fields=_fields(data),
        reply_route=route,
        portal_reference=portal_reference,
    )
    _attachments(data, submission)
    return submission


def customer_for_bsn(bsn: str) -> Customer | None:
    """The one active (not merged, not erased) customer with this BSN, or None."""
    if not bsn:
        return None
    return Customer.objects.filter(bsn=bsn, merged_into__isnull=True, erased_at__isnull=True).first()


def _customer(submission: WebformSubmission) -> Customer | None:
    return (
        customer_for_bsn(submission.bsn)
        or (customer_for_email(submission.email) if submission.email else None)
        or (customer_for_phone(submission.phone_e164) if submission.phone_e164 else None)
    )


def fields_text(fields: list[dict]) -> str:
    """The fields as plain text, one 'label: value' block each (the message text)."""
    return "\n".join(f"{f['label']}: {f['value']}" if "\n" not in f["value"] else f"{f['label']}:\n{f['value']}" for f in fields)


def process_webform(raw_id: int, *, reprocess: bool = False) -> IngestResult:
    """File one stored submission (see the module docstring)."""
    return process_locked(raw_id, reprocess=reprocess, handler=_process_submission)


def _process_submission(raw: InboundRaw) -> IngestResult:
    try:
        submission = parse_webform(bytes(raw.payload), received=raw.received_at)
    except PayloadError as exc:
        mark_quarantined(raw, exc.message, extra_meta={"field": exc.field})
        return IngestResult(status=InboundStatus.QUARANTINED, raw_id=raw.pk, reason=raw.error, detail={"field": exc.field})

    lock_key(f"webform:{submission.form_id}:{submission.submission_id}")
    first = (
        FormSubmission.objects.filter(form_id=submission.form_id, submission_id=submission.submission_id)
        .values_list("message__raw_id", "message__contact_id")
        .first()
    )
    if first is not None:
        raw.status = InboundStatus.DUPLICATE
        raw.error = ""
        raw.processed_at = timezone.now()
        raw.meta = {**raw.meta, "duplicate_of": first[0], "contact_id": first[1]}
        raw.save(update_fields=["status", "error", "processed_at", "meta", "attempts"])
        logger.info("Web-form submission in %s is a duplicate of %s", raw.pk, first[0])
        return IngestResult(status=InboundStatus.DUPLICATE, raw_id=raw.pk, contact_id=first[1], duplicate_of=first[0])

    saved_files: list[str] = []
    try:
        contact, message = _file_submission(raw, submission, saved_files)
    except BaseException:
        attachment_files_delete(saved_files)
        raise
    detail = {
        "contact_id": contact.pk,
        "message_pk": message.pk,
        "new_contact": True,
        "attachments": len(submission.attachments),
        "skipped_attachments": submission.skipped,
    }
    raw.status = InboundStatus.PROCESSED
    raw.error = ""
    raw.processed_at = timezone.now()
    raw.meta = {**raw.meta, **detail}
    raw.save(update_fields=["status", "error", "processed_at", "meta", "attempts"])
    logger.info("Web-form submission %s filed in contact %s", raw.pk, contact.pk)
    return IngestResult(
        status=InboundStatus.PROCESSED, raw_id=raw.pk, contact_id=contact.pk, message_id=message.pk, new_contact=True, detail=detail
    )


def _file_submission(raw: InboundRaw, submission: WebformSubmission, saved_files: list[str]) -> tuple[Contact, Message]:
    contact = Contact.objects.create(
        channel=Channel.WEBFORM,
        direction=Direction.INBOUND,
        customer=_customer(submission),
        subject=(submission.subject or submission.form_name)[:255],
        status=ContactStatus.NEW,
        started_at=submission.submitted_at,
        caller_address=submission.phone_e164,
    )
    notes = "\n\n".join(skipped_attachment_note(skipped) for skipped in submission.skipped)
    body = "\n\n".join(part for part in (fields_text(submission.fields), notes) if part)
    name = submission.name
    message = Message.objects.create(
        contact=contact,
        direction=Direction.INBOUND,
        channel=Channel.WEBFORM,
        raw=raw,
        sender=(f"{name} <{submission.email}>" if name and submission.email else name or submission.email)[:500],
        sender_address=submission.email,
        subject=submission.form_name,
        provider_message_id=submission.submission_id,
        body_text=body,
        sent_at=submission.submitted_at,
    )
    FormSubmission.objects.create(
        message=message,
        form_id=submission.form_id,
        form_name=submission.form_name,
        submission_id=submission.submission_id,
        submitted_at=submission.submitted_at,
        fields=submission.fields,
        submitter_phone=submission.phone_e164 or submission.phone,
        bsn_masked=mask_bsn(submission.bsn),
        reply_route=submission.reply_route,
        portal_reference=submission.portal_reference,
        notes=notes,
    )
    for item in submission.attachments:
        attachment_store(message=message, filename=item.filename, content_type=item.content_type, data=item.data, saved_files=saved_files)
    return contact, message
