"""Views of the inbound side: the signed webhook endpoints (/api/inbound/...), the quarantine
pages for team leads, and the screen-pop fragment for agents."""

import hmac
import logging
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kcc.core.access import authenticated_view, has_role, public_view, role_required
from kcc.core.constants import Role
from kcc.core.exceptions import DomainError
from kcc.core.htmx import conditional, make_etag, safe_next
from kcc.core.normalize import format_phone

from .constants import InboundSource, InboundStatus
from .ingestion import inbound_reprocess, ingest_email, screen_pop_dismiss, screen_pops_for
from .ingestion.phone import process_phone_event
from .ingestion.quarantine import (
    QUARANTINE_ROLES,
    access_inbound_raw,
    quarantine_count,
    quarantine_list,
)
from .ingestion.social import process_meta
from .ingestion.store import (
    EMAIL_SOURCES,
    IngestResult,
    reason_for,
    result_for,
    sha256_hex,
    store_raw,
)
from .ingestion.webform import process_webform
from .webhooks import (
    MAX_JSON_DEPTH,
    WebhookNotConfigured,
    WebhookVerificationError,
    json_too_deep,
    verify_meta_signature,
    verify_standard_webhook,
)

log = logging.getLogger("channels.ingestion.webhooks")

# A raw e-mail carries its attachments base64-encoded (4/3 of their size) plus headers.
EMAIL_MAX_BYTES_EXTRA = 1024 * 1024
JSON_MAX_BYTES = 1024 * 1024
META_MAX_BYTES = 5 * 1024 * 1024
PREVIEW_BYTES = 16 * 1024
# Meta sends a number; anything else is not echoed back.
_CHALLENGE_RE = re.compile(r"[A-Za-z0-9_.\-]{1,200}")


# --- webhook plumbing ------------------------------------------------------------------


def _email_max_bytes() -> int:
    return settings.KCC_ATTACHMENT_MAX_BYTES * 4 // 3 + EMAIL_MAX_BYTES_EXTRA


def _read_body(request, limit: int) -> bytes | None:
    """The raw body, or None when it is larger than `limit` (read in one bounded call, so
    Django's DATA_UPLOAD_MAX_MEMORY_SIZE for form posts does not apply to mail)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    data = request.read(limit + 1)
    return None if len(data) > limit else data


def _error(message: str, status: int, /, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _too_large(limit: int) -> JsonResponse:
    return _error(_("The body is larger than %(limit)s bytes.") % {"limit": limit}, 413)


def _verify_standard(request, *, secret: str, body: bytes) -> str | JsonResponse:
    """The webhook id, or the error response (401/503)."""
    try:
        return verify_standard_webhook(
            secret=secret, headers=request.headers, body=body, tolerance=settings.KCC_WEBHOOK_TOLERANCE_SECONDS
        )
    except WebhookNotConfigured as exc:
        log.error("Webhook %s refused: %s", request.path, exc)
        return _error(_("This endpoint is not configured."), 503)
    except WebhookVerificationError as exc:
        # Not stored: an unauthenticated body is not ours to keep (and would let anyone fill
        # the database). The log line lets an administrator see what went wrong.
        log.warning("Webhook %s refused (401): %s", request.path, exc.reason)
        return _error(_("Invalid or expired signature."), 401)


def _too_deep() -> JsonResponse:
    """Refused before storing: a body nested this deep is an attack on the parser, not data
    (json would end in a RecursionError, and that text must not reach the caller)."""
    return _error(_("The JSON body is nested too deeply (more than %(limit)s levels).") % {"limit": MAX_JSON_DEPTH}, 400)


def _result_json(result: IngestResult) -> dict:
    data = {"status": str(result.status), "id": result.raw_id, "replay": result.replay}
    if result.contact_id:
        data["contact"] = result.contact_id
    if result.duplicate_of:
        data["duplicate_of"] = result.duplicate_of
    if result.status == InboundStatus.QUARANTINED and result.reason:
        data["reason"] = result.reason
    return data


def _store_and_process_json(body: bytes, *, source: str, webhook_id: str, process):
    """Store a verified JSON body (dedupe key ``<source>:<webhook id>``, so a replay stores
    nothing) and process it. Returns (raw, result): the IngestResult (a replay gives the first
    delivery's), or the response to give at once (too deep; processing crashed after storing,
    which leaves it pending for the sweep). A quarantined raw has its meta ("field") fresh."""
    if json_too_deep(body):
        return None, _too_deep()
    prefix = source.replace("_", "-")
    raw, created = store_raw(source=source, payload=body, dedupe_key=f"{prefix}:{webhook_id}", meta={"webhook_id": webhook_id})
    if not created:
        return raw, result_for(raw, replay=True)
    try:
        result = process(raw.pk)
    except Exception as exc:  # noqa: BLE001 - stored; the periodic sweep retries it
        log.exception("Inbound payload %s (%s) stored but not processed", raw.pk, source)
        return raw, JsonResponse({"status": "pending", "id": raw.pk, "reason": reason_for(exc)}, status=202)
    if result.status == InboundStatus.QUARANTINED:
        raw.refresh_from_db(fields=["meta"])
    return raw, result


# --- POST /api/inbound/email/ ----------------------------------------------------------


@csrf_exempt
@public_view
@require_POST
def inbound_email(request):
    """One raw RFC 822 message, signed per Standard Webhooks. 202 when stored (processed,
    duplicate or quarantined: see "status"), 200 for a replayed webhook id (nothing new),
    401 bad or stale signature, 413 too large, 503 not configured."""
    limit = _email_max_bytes()
    body = _read_body(request, limit)
    if body is None:
        return _too_large(limit)
    verified = _verify_standard(request, secret=settings.KCC_WEBHOOK_EMAIL_SECRET, body=body)
    if isinstance(verified, JsonResponse):
        return verified
    result = ingest_email(
        raw=body,
        source=InboundSource.EMAIL_WEBHOOK,
        dedupe_key=f"email-webhook:{verified}",
        meta={"webhook_id": verified, "content_type": request.content_type or ""},
    )
    return JsonResponse(_result_json(result), status=200 if result.replay else 202)


def _signed_json(request, *, limit: int, secret: str, source: str, process):
    """A signed JSON event (Standard Webhooks): read within `limit`, verify, store raw and process.
    Answers what went wrong before processing (413, 401, 503, ...) as a response, else
    (raw, result)."""
    body = _read_body(request, limit)
    if body is None:
        return _too_large(limit)
    verified = _verify_standard(request, secret=secret, body=body)
    if isinstance(verified, JsonResponse):
        return verified
    raw, result = _store_and_process_json(body, source=source, webhook_id=verified, process=process)
    return result if isinstance(result, JsonResponse) else (raw, result)


# --- POST /api/inbound/phone/ ----------------------------------------------------------


@csrf_exempt
@public_view
@require_POST
def inbound_phone(request):
    """Telephony call event, signed per Standard Webhooks. 200 applied or duplicate, 400 with
    {"error", "field"} for an invalid event (stored and quarantined), 401 bad or stale
    signature. A replayed webhook id answers what the first delivery got."""
    received = _signed_json(request, limit=JSON_MAX_BYTES, secret=settings.KCC_WEBHOOK_PHONE_SECRET,
                            source=InboundSource.PHONE_WEBHOOK, process=process_phone_event)
    if isinstance(received, JsonResponse):
        return received
    raw, result = received
    if result.status == InboundStatus.QUARANTINED:
        return _error(result.reason, 400, field=raw.meta.get("field", ""), id=raw.pk, replay=result.replay)
    if result.status == InboundStatus.PENDING:
        return JsonResponse(_result_json(result), status=202)
    return JsonResponse(_result_json(result), status=200)


# --- POST /api/inbound/webform/ --------------------------------------------------------


@csrf_exempt
@public_view
@require_POST
def inbound_webform(request):
    """A web-form or portal submission (JSON, docs/openapi/webform.yaml), signed per Standard
    Webhooks. 202 stored (processed, or a duplicate of a submission already filed: see
    "status"), 200 for a replayed webhook id (nothing new), 400 with {"error", "field"} for an
    invalid submission (stored and quarantined), 401 bad or stale signature, 413 too large,
    503 not configured."""
    received = _signed_json(request, limit=settings.KCC_WEBFORM_MAX_BYTES, secret=settings.KCC_WEBHOOK_WEBFORM_SECRET,
                            source=InboundSource.WEBFORM_WEBHOOK, process=process_webform)
    if isinstance(received, JsonResponse):
        return received
    raw, result = received
    if result.status == InboundStatus.QUARANTINED:
        return _error(result.reason, 400, field=raw.meta.get("field", ""), id=raw.pk, status=str(result.status), replay=result.replay)
    return JsonResponse(_result_json(result), status=200 if result.replay else 202)


# --- GET|POST /api/inbound/social/meta/ ------------------------------------------------


@csrf_exempt
@public_view
@require_http_methods(["GET", "POST"])
def meta_webhook(request):
    """Meta's webhook. GET: the verification handshake (hub.challenge when hub.verify_token
    matches, 403 otherwise). POST: X-Hub-Signature-256 checked (401), the body stored, messages
    filed; always 200 once the signature is valid, so Meta does not retry what we stored."""
    if request.method == "GET":
        expected = settings.KCC_META_VERIFY_TOKEN
        token = request.GET.get("hub.verify_token", "")
        challenge = request.GET.get("hub.challenge", "")
        if (
            expected
            and request.GET.get("hub.mode") == "subscribe"
            and hmac.compare_digest(token.encode(), expected.encode())
            and _CHALLENGE_RE.fullmatch(challenge)
        ):
            response = HttpResponse(challenge, content_type="text/plain; charset=utf-8")
            response["Cache-Control"] = "no-store"
            return response
        log.warning("Meta verification handshake refused")
        return HttpResponse(_("Verification failed."), status=403, content_type="text/plain; charset=utf-8")
    body = _read_body(request, META_MAX_BYTES)
    if body is None:
        return _too_large(META_MAX_BYTES)
    try:
        verify_meta_signature(
            app_secret=settings.KCC_META_APP_SECRET, header=request.headers.get("X-Hub-Signature-256", ""), body=body
        )
    except WebhookNotConfigured as exc:
        log.error("Meta webhook refused: %s", exc)
        return _error(_("This endpoint is not configured."), 503)
    except WebhookVerificationError as exc:
        log.warning("Meta webhook refused (401): %s", exc.reason)
        return _error(_("Invalid signature."), 401)
    if json_too_deep(body):
        return _too_deep()
    raw, created = store_raw(source=InboundSource.SOCIAL_META, payload=body, dedupe_key=f"meta-body:{sha256_hex(body)}")
    if not created:
        return JsonResponse(_result_json(result_for(raw, replay=True)), status=200)
    try:
        result = process_meta(raw.pk)
    except Exception:  # noqa: BLE001 - stored; the periodic sweep retries it
        log.exception("Meta delivery %s stored but not processed", raw.pk)
        return JsonResponse({"status": "pending", "id": raw.pk}, status=200)
    return JsonResponse(_result_json(result), status=200)


# --- quarantine (team leads) -----------------------------------------------------------


@require_GET
@role_required(*QUARANTINE_ROLES)
def quarantine(request):
    source = request.GET.get("bron", "")
    if source not in InboundSource.values:
        source = ""
    try:
        before = int(request.GET.get("voor", "") or 0) or None
    except ValueError:
        before = None
    rows, cursor = quarantine_list(user=request.user, before=before, source=source)
    context = {
        "rows": rows,
        "cursor": cursor,
        "source": source,
        "sources": InboundSource.choices,
        "total": quarantine_count(),
        "is_first_page": before is None,
    }
    return TemplateResponse(request, "channels/quarantine.html", context)


def _preview(raw) -> str:
    data = bytes(raw.payload[:PREVIEW_BYTES])
    text = data.decode("utf-8", "replace").replace("\x00", "\ufffd")
    return text


@require_GET
@role_required(*QUARANTINE_ROLES)
def quarantine_detail(request, pk: int):
    raw = access_inbound_raw(request.user, pk)
    context = {
        "raw": raw,
        "preview": _preview(raw),
        "preview_truncated": len(raw.payload) > PREVIEW_BYTES,
        "size": len(raw.payload),
        "summary": raw.meta.get("summary", {}),
        "can_reprocess": raw.status == InboundStatus.QUARANTINED and not raw.meta.get("item"),
    }
    return TemplateResponse(request, "channels/quarantine_detail.html", context)


@require_GET
@role_required(*QUARANTINE_ROLES)
def quarantine_download(request, pk: int):
    """The stored bytes exactly as received, as a download (never rendered inline)."""
    raw = access_inbound_raw(request.user, pk)
    extension = "eml" if raw.source in EMAIL_SOURCES else "json"
    response = HttpResponse(bytes(raw.payload), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="kcc-inbound-{raw.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, no_store=True, private=True)
    log.info("Raw inbound payload %s downloaded by %s", raw.pk, request.user.get_username())
    return response


@require_POST
@role_required(*QUARANTINE_ROLES)
def quarantine_reprocess(request, pk: int):
    raw = access_inbound_raw(request.user, pk)
    try:
        result = inbound_reprocess(user=request.user, raw_id=raw.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("channels:quarantine_detail", pk=raw.pk)
    if result.status == InboundStatus.PROCESSED:
        messages.success(request, _("The message has been processed and filed in contact %(contact)s.") % {"contact": result.contact_id})
        return redirect("channels:quarantine")
    if result.status == InboundStatus.DUPLICATE:
        messages.info(request, _("The message turned out to be a duplicate of one already stored; nothing new was created."))
        return redirect("channels:quarantine")
    messages.warning(request, _("Processing failed again: %(reason)s") % {"reason": result.reason})
    return redirect("channels:quarantine_detail", pk=raw.pk)


# --- screen-pops (agents) --------------------------------------------------------------


def screen_pop_context(user) -> dict:
    pops = screen_pops_for(user)
    base = reverse("channels:register_call")
    return {
        "pops": [
            {"pop": pop, "number": format_phone(pop.caller) if pop.caller else "", "url": f"{base}?{urlencode({'call': pop.call_id})}"}
            for pop in pops
        ]
    }


@require_GET
@authenticated_view
def screen_pops(request):
    """The screen-pop region, polled by htmx every 5 seconds (marked as a background request so
    it does not keep an idle session alive). Users who take no calls get HTTP 286, which
    stops htmx polling. Answers 304 when nothing changed."""
    if not has_role(request.user, Role.AGENT, Role.TEAMLEAD):
        return HttpResponse(status=286)
    context = screen_pop_context(request.user)
    etag = make_etag(*[(p["pop"].pk, p["pop"].call_id, p["pop"].caller, p["url"]) for p in context["pops"]])
    return conditional(request, etag, lambda: TemplateResponse(request, "channels/_screen_pops.html", context))


@require_POST
@role_required(Role.AGENT, Role.TEAMLEAD)
def screen_pop_dismiss_view(request, pk: int):
    screen_pop_dismiss(user=request.user, pop_id=pk)
    if request.htmx:
        return TemplateResponse(request, "channels/_screen_pops.html", screen_pop_context(request.user))
    return redirect(safe_next(request, reverse("core:home")))
