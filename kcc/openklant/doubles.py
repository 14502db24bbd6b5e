"""Loopback double of the Klantinteracties API 0.9.0 (the subset the KCC uses), with
in-memory state, on the Common Ground double's machinery (kcc/commonground/doubles.py): every
request and every response is validated against the vendored specification with openapi-core,
and a violation is recorded in ``violations`` (the test set-up fails the test).

Beyond the shared faults (``fault`` = ``500``, ``timeout``, ``400``, ``contract`` …):
* ``route_faults``: answers with a status for the next N requests of one method + collection
  (``double.fail("POST", "klantcontacten", 409, times=1)``);
* ``pause_on``: the double stores a created object, then holds its answer until ``release`` is
  set (the kill test kills the worker meanwhile);
* like Open Klant, a reference to an unknown object and a duplicate ``nummer`` /
  ``referentienummer`` are answered with a 400 and ``invalidParams``.

Used by tests/openklant and bench/openklant.py, never in production.
"""

from __future__ import annotations

import threading
import uuid as uuidlib
from datetime import UTC, datetime

from kcc.commonground.doubles import LoopbackApi
from kcc.commonground.fixtures import Fixtures

COLLECTIONS = (
    "partijen", "partij-identificatoren", "digitaleadressen", "klantcontacten", "betrokkenen",
    "onderwerpobjecten", "actoren", "actorklantcontacten", "internetaken",
)
# Foreign keys per collection: field -> (collection, many)
REFS = {
    "partijen": {"digitaleAdressen": ("digitaleadressen", True), "voorkeursDigitaalAdres": ("digitaleadressen", False)},
    "partij-identificatoren": {"identificeerdePartij": ("partijen", False), "subIdentificatorVan": ("partij-identificatoren", False)},
    "digitaleadressen": {"verstrektDoorPartij": ("partijen", False), "verstrektDoorBetrokkene": ("betrokkenen", False)},
    "klantcontacten": {},
    "betrokkenen": {"hadKlantcontact": ("klantcontacten", False), "wasPartij": ("partijen", False)},
    "onderwerpobjecten": {"klantcontact": ("klantcontacten", False), "wasKlantcontact": ("klantcontacten", False)},
    "actoren": {},
    "actorklantcontacten": {"actor": ("actoren", False), "klantcontact": ("klantcontacten", False)},
    "internetaken": {
        "aanleidinggevendKlantcontact": ("klantcontacten", False), "toegewezenAanActoren": ("actoren", True),
        "toegewezenAanActor": ("actoren", False),
    },
}
UNIQUE = {"partijen": "nummer", "klantcontacten": "referentienummer", "internetaken": "referentienummer"}


def _ref_uuid(value):
    return value.get("uuid") if isinstance(value, dict) else None


def _get(obj: dict, *path):
    for p in path:
        obj = obj.get(p) if isinstance(obj, dict) else None
    return obj


# Filters the double implements: query parameter -> value of the stored object to compare.
FILTERS = {
    "partijen": {
        "nummer": lambda o, s: [o.get("nummer")],
        "soortPartij": lambda o, s: [o.get("soortPartij")],
        "partijIdentificator__codeSoortObjectId": lambda o, s: [_get(i, "partijIdentificator", "codeSoortObjectId") for i in s.identificators_of(o["uuid"])],
        "partijIdentificator__objectId": lambda o, s: [_get(i, "partijIdentificator", "objectId") for i in s.identificators_of(o["uuid"])],
    },
    "partij-identificatoren": {
        "partijIdentificatorCodeSoortObjectId": lambda o, s: [_get(o, "partijIdentificator", "codeSoortObjectId")],
        "partijIdentificatorObjectId": lambda o, s: [_get(o, "partijIdentificator", "objectId")],
    },
    "digitaleadressen": {
        "referentie": lambda o, s: [o.get("referentie")],
        "adres": lambda o, s: [o.get("adres")],
        "verstrektDoorPartij__uuid": lambda o, s: [_ref_uuid(o.get("verstrektDoorPartij"))],
    },
    "klantcontacten": {"referentienummer": lambda o, s: [o.get("referentienummer")]},
    "betrokkenen": {
        "hadKlantcontact__uuid": lambda o, s: [_ref_uuid(o.get("hadKlantcontact"))],
        "wasPartij__uuid": lambda o, s: [_ref_uuid(o.get("wasPartij"))],
    },
    "onderwerpobjecten": {
        "klantcontact__uuid": lambda o, s: [_ref_uuid(o.get("klantcontact"))],
        "onderwerpobjectidentificatorObjectId": lambda o, s: [_get(o, "onderwerpobjectidentificator", "objectId")],
    },
    "actoren": {
        "soortActor": lambda o, s: [o.get("soortActor")],
        "actoridentificatorCodeRegister": lambda o, s: [_get(o, "actoridentificator", "codeRegister")],
        "actoridentificatorObjectId": lambda o, s: [_get(o, "actoridentificator", "objectId")],
    },
    "actorklantcontacten": {
        "klantcontact__uuid": lambda o, s: [_ref_uuid(o.get("klantcontact"))],
        "actor__uuid": lambda o, s: [_ref_uuid(o.get("actor"))],
    },
    "internetaken": {
        "referentienummer": lambda o, s: [o.get("referentienummer")],
        "aanleidinggevendKlantcontact__uuid": lambda o, s: [_ref_uuid(o.get("aanleidinggevendKlantcontact"))],
    },
}


def _problem(status: int, title: str, invalid: list[tuple[str, str]] = ()) -> tuple[int, dict]:
    return status, {
        "type": "", "code": "invalid" if status == 400 else str(status), "title": title, "status": status,
        "detail": title, "instance": f"urn:uuid:{uuidlib.uuid4()}",
        "invalidParams": [{"name": n, "code": "invalid", "reason": r} for n, r in invalid],
    }


class KlantinteractiesDouble(LoopbackApi):
    api = "klantinteracties"
    base_path = "/klantinteracties/api/v1"

    def __init__(self, *, port: int = 0, host: str = "127.0.0.1"):
        self._lock = threading.RLock()
        self.store: dict[str, dict[str, dict]] = {c: {} for c in COLLECTIONS}
        self._empty_indexes()
        self.created: dict[str, int] = {}
        self.route_faults: list[dict] = []
        self.pause_on: tuple[str, str] | None = None
        self.paused = threading.Event()
        self.release = threading.Event()
        self.token = "openklant-test-token"  # noqa: S105
        super().__init__(Fixtures(), port=port, host=host)

    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.store = {c: {} for c in COLLECTIONS}
            self._empty_indexes()
            self.created = {}
            self.route_faults = []
        self.pause_on = None
        self.paused.clear()
        self.release.clear()

    # --- helpers for tests --------------------------------------------------------------------
    def fail(self, method: str, collection: str, status: int, *, times: int = 1) -> None:
        self.route_faults.append({"method": method, "collection": collection, "status": status, "times": times})

    def objects(self, collection: str) -> list[dict]:
        with self._lock:
            return [self.render(collection, o) for o in self.store[collection].values()]

    def count(self, collection: str) -> int:
        return len(self.store[collection])

    def creates(self, collection: str) -> int:
        """Objects the register created (refused POSTs do not count)."""
        return self.created.get(collection, 0)

    def identificators_of(self, partij_uuid: str) -> list[dict]:
        return self.referrers("partij-identificatoren", "identificeerdePartij", partij_uuid)

    # --- indexes (like a register's database: a filter or a reverse reference costs no scan, so
    # the backfill bench at 200,000 parties measures the KCC, not the double) -----------------------
    def _empty_indexes(self) -> None:
        # (collection, filter) -> value -> uuids; (collection, field) -> referenced uuid -> uuids
        self._by_filter: dict[tuple[str, str], dict[str, dict[str, None]]] = {}
        self._by_ref: dict[tuple[str, str], dict[str, dict[str, None]]] = {}
        self._entries: dict[tuple[str, str], list] = {}

    def referrers(self, collection: str, field: str, uuid: str) -> list[dict]:
        """The objects of ``collection`` whose (single) reference ``field`` points at ``uuid``."""
        store = self.store[collection]
        return [store[u] for u in self._by_ref.get((collection, field), {}).get(uuid, ())]

    def _index(self, collection: str, obj: dict) -> None:
        uid = obj["uuid"]
        self._unindex(collection, uid)
        entries = []
        for field, (_target, many) in REFS[collection].items():
            target = None if many else _ref_uuid(obj.get(field))
            if target:
                self._by_ref.setdefault((collection, field), {}).setdefault(target, {})[uid] = None
                entries.append(("ref", field, target))
        for name, getter in FILTERS.get(collection, {}).items():
            for value in {str(v) for v in getter(obj, self) if v is not None}:
                self._by_filter.setdefault((collection, name), {}).setdefault(value, {})[uid] = None
                entries.append(("filter", name, value))
        self._entries[(collection, uid)] = entries
        if collection == "partij-identificatoren" and _ref_uuid(obj.get("identificeerdePartij")) in self.store["partijen"]:
            # The party's BSN filters read its identificators.
            self._index("partijen", self.store["partijen"][_ref_uuid(obj["identificeerdePartij"])])

    def _unindex(self, collection: str, uid: str) -> None:
        for kind, name, value in self._entries.pop((collection, uid), ()):
            if kind == "ref":
                self._by_ref[(collection, name)][value].pop(uid, None)
            else:
                self._by_filter[(collection, name)][value].pop(uid, None)

    def _matching(self, collection: str, name: str, value: str) -> dict[str, None]:
        """The uuids whose filter ``name`` matches ``value``, in creation order."""
        return self._by_filter.get((collection, name), {}).get(value, {})

    # --- rendering ------------------------------------------------------------------------------
    def link(self, collection: str, uuid: str) -> dict:
        return {"uuid": uuid, "url": f"{self.url}/{collection}/{uuid}"}

    def render(self, collection: str, obj: dict) -> dict:
        out = dict(obj)
        for field, (target, many) in REFS[collection].items():
            value = out.get(field)
            if many and isinstance(value, list):
                out[field] = [self.link(target, _ref_uuid(v)) for v in value]
            elif isinstance(value, dict):
                out[field] = self.link(target, _ref_uuid(value))
        uid = obj["uuid"]
        out["url"] = f"{self.url}/{collection}/{uid}"
        if collection == "partijen":
            out["betrokkenen"] = [self.link("betrokkenen", b["uuid"]) for b in self.referrers("betrokkenen", "wasPartij", uid)]
            out["categorieRelaties"] = []
            out["vertegenwoordigden"] = []
            out["partijIdentificatoren"] = [self.render("partij-identificatoren", i) for i in self.identificators_of(uid)]
            out["digitaleAdressen"] = [self.link("digitaleadressen", a["uuid"]) for a in self.referrers("digitaleadressen", "verstrektDoorPartij", uid)]
            ident = dict(out.get("partijIdentificatie") or {})
            naam = ident.get("contactnaam") or {}
            ident["volledigeNaam"] = " ".join(x for x in (naam.get("voornaam"), naam.get("voorvoegselAchternaam"), naam.get("achternaam")) if x)
            out["partijIdentificatie"] = ident
        elif collection == "klantcontacten":
            out["gingOverOnderwerpobjecten"] = [self.link("onderwerpobjecten", o["uuid"]) for o in self.referrers("onderwerpobjecten", "klantcontact", uid)]
            out["hadBetrokkenActoren"] = [
                self.render("actoren", self.store["actoren"][_ref_uuid(a["actor"])]) for a in self.referrers("actorklantcontacten", "klantcontact", uid)
            ]
            out["hadBetrokkenen"] = [self.link("betrokkenen", b["uuid"]) for b in self.referrers("betrokkenen", "hadKlantcontact", uid)]
            out["leiddeTotInterneTaken"] = [
                self.link("internetaken", t["uuid"]) for t in self.referrers("internetaken", "aanleidinggevendKlantcontact", uid)
            ]
            out["omvatteBijlagen"] = []
        elif collection == "betrokkenen":
            out["digitaleAdressen"] = []
            naam = out.get("contactnaam") or {}
            out["volledigeNaam"] = " ".join(x for x in (naam.get("voornaam"), naam.get("voorvoegselAchternaam"), naam.get("achternaam")) if x)
        return out

    # --- routing --------------------------------------------------------------------------------
    def handle(self, request):
        if request.headers.get("Authorization") != f"Token {self.token}":
            self.requests.append({"method": request.method, "path": request.path, "query": "", "headers": {}, "body": ""})
            return self.json({"title": "Authenticatiegegevens zijn niet opgegeven.", "status": 401}, 401)
        return super().handle(request)

    def check_body(self, direction, body):
        pass

    def route(self, method, path, args, data):
        parts = path.strip("/").split("/")
        collection = parts[0]
        if collection not in self.store or len(parts) > 2:
            return _problem(404, "Not found")
        for fault in self.route_faults:
            if fault["method"] == method and fault["collection"] == collection and fault["times"] > 0:
                fault["times"] -= 1
                return _problem(fault["status"], "Injected fault", [("nonFieldErrors", "injected")] if fault["status"] == 400 else ())
        with self._lock:
            if len(parts) == 1 and method == "GET":
                return 200, self.list(collection, args)
            if len(parts) == 1 and method == "POST":
                status, payload = self.create(collection, data)
            elif method == "GET":
                obj = self.store[collection].get(parts[1])
                return (200, self.render(collection, obj)) if obj else _problem(404, "Not found")
            elif method in ("PATCH", "PUT"):
                status, payload = self.patch(collection, parts[1], data)
            else:
                return _problem(405, "Method not allowed")
        if method == "POST" and status == 201 and self.pause_on == (method, collection):
            self.paused.set()
            self.release.wait(15)
        return status, payload

    def list(self, collection: str, args) -> dict:
        uids = None
        for name, value in args.items(multi=True):
            if name in ("page", "pageSize"):
                continue
            if name not in FILTERS[collection]:
                self.violations.append(f"the double does not implement the filter {collection}?{name}")
                continue
            found = self._matching(collection, name, value)
            uids = list(found) if uids is None else [u for u in uids if u in found]
        store = self.store[collection]
        results = list(store.values()) if uids is None else [store[u] for u in uids]
        return {"count": len(results), "next": None, "previous": None, "results": [self.render(collection, o) for o in results]}

    def _check(self, collection: str, data: dict, *, uid: str | None = None):
        invalid = []
        for field, (target, many) in REFS[collection].items():
            value = data.get(field)
            for ref in (value if many and isinstance(value, list) else [value] if value else []):
                if _ref_uuid(ref) not in self.store[target]:
                    invalid.append((field, "Object bestaat niet."))
        unique = UNIQUE.get(collection)
        if unique and data.get(unique):
            if set(self._matching(collection, unique, str(data[unique]))) - {uid}:
                invalid.append((unique, "Er bestaat al een object met dit nummer."))
        return _problem(400, "Invalid input.", invalid) if invalid else None

    def create(self, collection: str, data: dict):
        error = self._check(collection, data)
        if error:
            return error
        uid = str(uuidlib.uuid4())
        obj = {k: v for k, v in data.items() if k not in ("url", "uuid")}
        obj["uuid"] = uid
        if collection == "internetaken":
            obj["toegewezenOp"] = datetime.now(UTC).isoformat()
        if collection == "partijen" and not obj.get("nummer"):
            obj["nummer"] = f"{len(self.store['partijen']) + 1:010d}"
        self.store[collection][uid] = obj
        self._index(collection, obj)
        self.created[collection] = self.created.get(collection, 0) + 1
        return 201, self.render(collection, obj)

    def patch(self, collection: str, uid: str, data: dict):
        obj = self.store[collection].get(uid)
        if obj is None:
            return _problem(404, "Not found")
        error = self._check(collection, data, uid=uid)
        if error:
            return error
        obj.update({k: v for k, v in data.items() if k not in ("url", "uuid")})
        self._index(collection, obj)
        return 200, self.render(collection, obj)
