"""HTTP clients for the BRP API Personen, the Zaken API and the Catalogi API.

Every request and every response is validated against the vendored specification
(``specs.openapi_for``): a remote that breaks the contract gives an ``ApiError`` of kind
``contract`` (a clear, degraded message in the desk), never a 500. Every call has a deadline
(``KCC_COMMONGROUND_TIMEOUT``, 1.5 s by default: below the panel's 2 s give-up in the browser)
shared by all requests of one lookup, and goes through a circuit breaker per API (breaker.py).

ZGW authentication is the ZGW JWT (HS256, client id + secret) made with PyJWT. zgw-consumers
was considered and rejected: it brings a database model for services, django-solo, a
django-simple-certmanager dependency and admin screens for what is three settings here.
"""

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import jwt
import requests
from django.conf import settings
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from . import breaker
from .constants import BRP_FIELDS
from .specs import openapi_for, validate_discriminated

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """A lookup that failed. ``kind`` is one of: ``timeout``, ``unreachable``, ``open`` (the
    circuit breaker holds the request back: the API failed moments ago, breaker.py), ``client``
    (4xx), ``server`` (5xx), ``contract`` (malformed JSON or a response the spec forbids),
    ``request`` (our own request broke the contract: a bug here)."""

    def __init__(self, kind: str, *, api: str, status: int | None = None, detail: str = ""):
        super().__init__(f"{api}: {kind} {status or ''} {detail}".strip())
        self.kind = kind
        self.api = api
        self.status = status
        self.detail = detail


@dataclass
class Deadline:
    """One budget for all requests of a lookup (the panel gives up after it)."""

    seconds: float

    def __post_init__(self):
        self.until = time.monotonic() + self.seconds

    def remaining(self) -> float:
        return max(0.05, self.until - time.monotonic())


class _Client:
    api = ""
    json_content_type = ""  # a spec that names a charset in its media type (BRP)

    def __init__(self, base_url: str, *, deadline: Deadline | None = None):
        self.base_url = base_url.rstrip("/")
        self.base_path = urlsplit(self.base_url).path
        self.deadline = deadline or Deadline(settings.KCC_COMMONGROUND_TIMEOUT)
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        """One session per thread: case details are fetched in parallel threads, and a
        requests.Session is not documented as thread-safe."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.trust_env = False  # no proxy or .netrc from the environment
        return session

    # Subclasses add authentication and protocol headers.
    def headers(self) -> dict:
        return {"Accept": "application/json"}

    def send_kwargs(self) -> dict:
        return {}

    def check_body(self, direction: str, body) -> None:
        """Checks the spec needs beyond openapi-core (raise ValueError)."""

    def client_error_detail(self, resp: requests.Response) -> str:
        """What a 4xx answer says, for an API whose errors hold no personal data (none here)."""
        return ""

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"

    def owns(self, url: str) -> bool:
        """Only URLs under the configured base URL are ever fetched (no SSRF through a case
        URL posted by a browser or returned by another API)."""
        return isinstance(url, str) and url.startswith(self.base_url + "/")

    def request(self, method: str, path: str, *, json=None, params=None, headers=None) -> dict:
        """One call, validated both ways. Anything unexpected on the way (a library error, a
        body our code cannot handle) is logged without its data and becomes an ApiError too:
        a remote never causes a 500 in the desk."""
        try:
            return self._request(method, path, json=json, params=params, headers=headers)
        except ApiError:
            raise
        except Exception as exc:
            logger.exception("%s: unexpected error in a %s request", self.api, method)
            raise ApiError("contract", api=self.api, detail=type(exc).__name__) from exc

    def _request(self, method: str, path: str, *, json=None, params=None, headers=None) -> dict:
        url = self.url(path)
        if not self.owns(url):
            raise ApiError("request", api=self.api, detail="URL outside the configured API")
        req = requests.Request(method, url, json=json, params=params, headers={**self.headers(), **(headers or {})})
        prepared = self.session.prepare_request(req)
        if json is not None and self.json_content_type:
            prepared.headers["Content-Type"] = self.json_content_type
        spec = openapi_for(self.api, self.base_path)
        try:
            spec.validate_request(RequestsOpenAPIRequest(prepared))
            self.check_body("request", json)
        except Exception as exc:  # openapi-core raises a family of validation errors
            raise ApiError("request", api=self.api, detail=str(exc)[:200]) from exc
        resp = self._send(prepared)
        if 400 <= resp.status_code < 500:
            raise ApiError("client", api=self.api, status=resp.status_code, detail=self.client_error_detail(resp))
        if resp.status_code >= 500:
            raise ApiError("server", api=self.api, status=resp.status_code)
        try:
            data = resp.json()
        except ValueError as exc:
            raise ApiError("contract", api=self.api, status=resp.status_code, detail="malformed JSON") from exc
        try:
            spec.validate_response(RequestsOpenAPIRequest(prepared), RequestsOpenAPIResponse(resp))
            self.check_body("response", data)
        except Exception as exc:
            raise ApiError("contract", api=self.api, status=resp.status_code, detail=str(exc)[:200]) from exc
        return data

    def _send(self, prepared) -> requests.Response:
        """Send through the circuit breaker (breaker.py): while the API is marked down this
        answers at once with an ApiError of kind ``open``, holding no thread for the deadline."""
        state = breaker.allow(self.api, probe_seconds=self.deadline.seconds)
        if state == "open":
            raise ApiError("open", api=self.api)
        try:
            resp = self.session.send(prepared, timeout=self.deadline.remaining(), **self.send_kwargs())
        except requests.RequestException as exc:
            breaker.failed(self.api)
            raise ApiError("timeout" if isinstance(exc, requests.Timeout) else "unreachable", api=self.api) from exc
        except BaseException:
            if state == "probe":
                breaker.failed(self.api)
            raise
        if state == "probe":
            breaker.succeeded(self.api)  # it answered (even an error status): reachable again
        return resp


class BrpClient(_Client):
    """Haal Centraal BRP API Personen 2.7.0: one POST /personen per search."""

    api = "brp"
    json_content_type = "application/json; charset=utf-8"

    def __init__(self, *, user=None, deadline: Deadline | None = None):
        super().__init__(settings.KCC_BRP_URL, deadline=deadline)
        self.user = user

    def headers(self) -> dict:
        h = super().headers()
        if settings.KCC_BRP_API_KEY:
            h[settings.KCC_BRP_API_KEY_HEADER] = settings.KCC_BRP_API_KEY
        # The protocol headers a municipal BRP proxy requires (doelbinding, verwerking,
        # gebruiker); names and values are set per environment.
        if settings.KCC_BRP_PURPOSE:
            h[settings.KCC_BRP_PURPOSE_HEADER] = settings.KCC_BRP_PURPOSE
        if settings.KCC_BRP_PROCESSING:
            h[settings.KCC_BRP_PROCESSING_HEADER] = settings.KCC_BRP_PROCESSING
        if settings.KCC_BRP_USER_HEADER and self.user is not None:
            h[settings.KCC_BRP_USER_HEADER] = self.user.get_username()
        return h

    def send_kwargs(self) -> dict:
        if settings.KCC_BRP_CLIENT_CERT:
            cert = (settings.KCC_BRP_CLIENT_CERT, settings.KCC_BRP_CLIENT_KEY) if settings.KCC_BRP_CLIENT_KEY else settings.KCC_BRP_CLIENT_CERT
            return {"cert": cert}
        return {}

    def check_body(self, direction: str, body) -> None:
        # The BRP's request and response bodies are discriminated on `type` (specs.py).
        if body is not None:
            validate_discriminated("brp", "PersonenQuery" if direction == "request" else "PersonenQueryResponse", body)

    def personen(self, search_type: str, **criteria) -> list[dict]:
        """Search or fetch persons; asks only for ``BRP_FIELDS[search_type]``."""
        body = {"type": search_type, "fields": list(BRP_FIELDS[search_type]), **criteria}
        return self.request("POST", "/personen", json=body).get("personen", [])


def zgw_token(client_id: str, secret: str) -> str:
    """The ZGW JWT: HS256 with the client id as issuer and client_id claim."""
    now = int(time.time())
    payload = {"iss": client_id, "iat": now, "client_id": client_id, "user_id": client_id, "user_representation": client_id}
    return jwt.encode(payload, secret, algorithm="HS256")


class _ZgwClient(_Client):
    def headers(self) -> dict:
        return {
            **super().headers(),
            "Authorization": f"Bearer {zgw_token(settings.KCC_ZGW_CLIENT_ID, settings.KCC_ZGW_SECRET)}",
            # The Zaken API requires the CRS headers on some reads too (a case has a geometry).
            "Accept-Crs": "EPSG:4326",
            "Content-Crs": "EPSG:4326",
        }


class ZakenClient(_ZgwClient):
    """Zaken API 1.5.1."""

    api = "zaken"

    def __init__(self, *, deadline: Deadline | None = None):
        super().__init__(settings.KCC_ZAKEN_URL, deadline=deadline)

    def zaken_for_bsn(self, bsn: str) -> list[dict]:
        """The cases in which the person has a role. POST /zaken/_zoek: the BSN travels in the
        body, so it is in no URL or access log of the zaaksysteem either."""
        data = self.request(
            "POST", "/zaken/_zoek",
            json={"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": bsn},
        )
        return data.get("results", [])

    def zaak(self, url: str) -> dict:
        return self.request("GET", url)

    def status(self, url: str) -> dict:
        return self.request("GET", url)

    def statussen(self, zaak_url: str) -> list[dict]:
        return self.request("GET", "/statussen", params={"zaak": zaak_url}).get("results", [])


class CatalogiClient(_ZgwClient):
    """Catalogi API 1.3.1: zaaktypen and statustypen (cached by the caller)."""

    api = "catalogi"

    def __init__(self, *, deadline: Deadline | None = None):
        super().__init__(settings.KCC_CATALOGI_URL, deadline=deadline)

    def get(self, url: str) -> dict:
        return self.request("GET", url)
