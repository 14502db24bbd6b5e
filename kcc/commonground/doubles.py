"""Loopback doubles of the BRP API Personen, the Zaken API and the Catalogi API.

One threaded werkzeug HTTP server per API on 127.0.0.1, answering from ``Fixtures``. Every
request and every response is validated against the vendored specification with openapi-core;
a violation is answered with a 400 (request) or 500 (response) *and* recorded in
``violations``, which the test set-up turns into a failed test.

Faults for the failure paths: ``double.fault`` = ``timeout`` (no answer within the client's
deadline), ``500``, ``malformed`` (not JSON), ``empty`` (a valid, empty result), ``400``,
``403``, ``404``, ``contract`` (valid JSON the spec forbids). ``double.delay`` adds latency
to every answer (the bench uses 50 ms).

Used by tests/commonground/conftest.py and by ``manage.py run_demo_services`` (never in
production: that command refuses production settings).
"""

import copy
import json
import re
import threading

from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .fixtures import Fixtures
from .specs import openapi_for, validate_discriminated

JSON_BRP = "application/json; charset=utf-8"


class _OpenAPIResponse(WerkzeugOpenAPIResponse):
    """The whole Content-Type with its parameters: the BRP spec names
    "application/json; charset=utf-8" as its media type, werkzeug's ``mimetype`` drops the charset."""

    @property
    def content_type(self) -> str:
        return str(self.response.content_type)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # no access log: request bodies hold BSNs
        pass


class LoopbackApi:
    api = ""
    base_path = ""

    def __init__(self, fixtures: Fixtures, *, port: int = 0, host: str = "127.0.0.1"):
        self.fixtures = fixtures
        self.fault = ""
        self.delay = 0.0
        self.violations: list[str] = []
        self.requests: list[dict] = []
        self._stop = threading.Event()
        self.server = make_server(host, port, self.wsgi, threaded=True, request_handler=_QuietHandler)
        self.port = self.server.server_port
        self.url = f"http://{host}:{self.port}{self.base_path}"
        self.spec = openapi_for(self.api, self.base_path)
        self._thread = None

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self) -> "LoopbackApi":
        self._thread = threading.Thread(target=self.server.serve_forever, name=f"double-{self.api}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        self.fault, self.delay = "", 0.0
        self.violations.clear()
        self.requests.clear()

    # --- WSGI ---------------------------------------------------------------------------------
    def wsgi(self, environ, start_response):
        request = Request(environ)
        response = self.handle(request)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        body = request.get_data(cache=True)
        self.requests.append({"method": request.method, "path": request.path, "query": request.query_string.decode(), "headers": dict(request.headers), "body": body.decode("utf-8", "replace")})
        try:
            self.spec.validate_request(WerkzeugOpenAPIRequest(request))
            self.check_body("request", json.loads(body) if body else None)
        except Exception as exc:
            self.violations.append(f"{self.api} request {request.method} {request.path}: {exc}")
            return self.json({"title": "Bad request", "status": 400}, 400)
        if self.delay and self._stop.wait(self.delay):
            return Response(status=503)
        if self.fault == "timeout":
            self._stop.wait(10)
            return Response(status=503)
        if self.fault == "500":
            return self.json({"title": "Internal server error", "status": 500}, 500)
        if self.fault in ("400", "403", "404"):
            return self.json({"title": "Client error", "status": int(self.fault)}, int(self.fault))
        if self.fault == "malformed":
            return Response("{not json", status=200, content_type=self.content_type)
        path = request.path[len(self.base_path):]
        data = json.loads(body) if body else None
        status, payload = self.route(request.method, path, request.args, data)
        if self.fault == "contract" and 200 <= status < 300:
            # A copy: the payload shares dicts with the fixtures, which later requests still serve.
            payload = self.break_contract(copy.deepcopy(payload))
        response = self.json(payload, status)
        if 200 <= status < 300 and self.fault != "contract":
            try:
                self.spec.validate_response(WerkzeugOpenAPIRequest(request), _OpenAPIResponse(response))
                self.check_body("response", payload)
            except Exception as exc:
                self.violations.append(f"{self.api} response {request.method} {request.path}: {exc}")
                return self.json({"title": "Double broke the contract", "status": 500}, 500)
        return response

    content_type = "application/json"

    def json(self, payload, status: int) -> Response:
        ct = self.content_type if status < 400 else "application/problem+json"
        return Response(json.dumps(payload), status=status, content_type=ct, headers={"API-version": "1.0.0"})

    def check_body(self, direction, body):
        """Checks the spec needs beyond openapi-core (raise ValueError)."""

    def route(self, method, path, args, data):  # pragma: no cover - overridden
        raise NotImplementedError

    def break_contract(self, payload):
        return payload


def _uuid_of(path: str, collection: str) -> str | None:
    m = re.fullmatch(rf"/{collection}/([0-9a-f-]{{36}})", path)
    return m.group(1) if m else None


def _pick(person: dict, fields) -> dict:
    """Only the requested fields (the real BRP does the same), plus what it always delivers."""
    out = {}
    for f in fields:
        src, dst, parts = person, out, f.split(".")
        for i, part in enumerate(parts):
            if not isinstance(src, dict) or part not in src:
                break
            if i == len(parts) - 1:
                dst[part] = src[part]
            else:
                src = src[part]
                dst = dst.setdefault(part, {})
    if person.get("geheimhoudingPersoonsgegevens"):
        out["geheimhoudingPersoonsgegevens"] = True
    return out


def _norm_postcode(value: str) -> str:
    return (value or "").replace(" ", "").upper()


class BrpDouble(LoopbackApi):
    api = "brp"
    base_path = "/haalcentraal/api/brp"
    content_type = JSON_BRP

    def check_body(self, direction, body):
        if body is not None:
            validate_discriminated("brp", "PersonenQuery" if direction == "request" else "PersonenQueryResponse", body)

    def route(self, method, path, args, data):
        if method != "POST" or path != "/personen":
            return 404, {"title": "Not found", "status": 404}
        kind = data["type"]
        found = []
        if self.fault != "empty":
            for p in self.fixtures.persons:
                if kind == "RaadpleegMetBurgerservicenummer":
                    ok = p["burgerservicenummer"] in data["burgerservicenummer"]
                else:
                    alive = "overlijden" not in p or data.get("inclusiefOverledenPersonen")
                    if kind == "ZoekMetGeslachtsnaamEnGeboortedatum":
                        name = data["geslachtsnaam"].lower()
                        surname = p["naam"]["geslachtsnaam"].lower()
                        ok = alive and (surname.startswith(name[:-1]) if name.endswith("*") else surname == name) and p["geboorte"]["datum"]["datum"] == data["geboortedatum"]
                    elif kind == "ZoekMetPostcodeEnHuisnummer":
                        adres = p.get("verblijfplaats", {}).get("verblijfadres", {})
                        ok = alive and _norm_postcode(adres.get("postcode")) == _norm_postcode(data["postcode"]) and adres.get("huisnummer") == data["huisnummer"]
                    else:
                        ok = False
                if ok:
                    found.append(_pick(p, data["fields"]))
        return 200, {"type": kind, "personen": found}

    def break_contract(self, payload):
        for p in payload.get("personen", []):
            p["burgerservicenummer"] = "12AB"  # the spec says nine digits
        return payload or {"personen": "niet een lijst"}


class ZakenDouble(LoopbackApi):
    api = "zaken"
    base_path = "/zaken/api/v1"

    def route(self, method, path, args, data):
        fx = self.fixtures
        if method == "POST" and path == "/zaken/_zoek":
            bsn = data.get("rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn")
            results = [] if self.fault == "empty" else [z for u, z in fx.zaken.items() if fx.zaak_bsn.get(u) == bsn]
            return 200, {"count": len(results), "next": None, "previous": None, "results": results}
        if method == "GET" and path == "/statussen":
            zaak = args.get("zaak")
            results = [] if self.fault == "empty" else [s for s in fx.statussen.values() if s["zaak"] == zaak]
            results.sort(key=lambda s: s["datumStatusGezet"])
            return 200, {"count": len(results), "next": None, "previous": None, "results": results}
        for collection, store in (("zaken", fx.zaken), ("statussen", fx.statussen)):
            uid = _uuid_of(path, collection)
            if uid is not None:
                return (200, store[uid]) if uid in store else (404, {"title": "Not found", "status": 404})
        return 404, {"title": "Not found", "status": 404}

    def break_contract(self, payload):
        for z in payload.get("results", []) if isinstance(payload, dict) else []:
            z["startdatum"] = "gisteren"
        if isinstance(payload, dict) and "results" not in payload:
            payload["datumStatusGezet"] = "gisteren"
            payload["startdatum"] = "gisteren"
        return payload


class CatalogiDouble(LoopbackApi):
    api = "catalogi"
    base_path = "/catalogi/api/v1"

    def route(self, method, path, args, data):
        fx = self.fixtures
        for collection, store in (("zaaktypen", fx.zaaktypen), ("statustypen", fx.statustypen)):
            uid = _uuid_of(path, collection)
            if uid is not None and method == "GET":
                return (200, store[uid]) if uid in store else (404, {"title": "Not found", "status": 404})
        return 404, {"title": "Not found", "status": 404}

    def break_contract(self, payload):
        payload.pop("omschrijving", None)
        return payload


def start_doubles(fixtures_factory, *, ports: dict | None = None, host: str = "127.0.0.1") -> dict[str, LoopbackApi]:
    """Start the three doubles, then fill them with ``fixtures_factory(base_zaken=…,
    base_catalogi=…)``: case and case-type URLs point at the doubles' real addresses."""
    ports = ports or {}
    empty = Fixtures()
    doubles = {
        "brp": BrpDouble(empty, port=ports.get("brp", 0), host=host),
        "zaken": ZakenDouble(empty, port=ports.get("zaken", 0), host=host),
        "catalogi": CatalogiDouble(empty, port=ports.get("catalogi", 0), host=host),
    }
    fixtures = fixtures_factory(base_zaken=doubles["zaken"].url, base_catalogi=doubles["catalogi"].url)
    for d in doubles.values():
        d.fixtures = fixtures
        d.start()
    return doubles
