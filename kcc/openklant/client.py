"""HTTP client of the Klantinteracties API 0.9.0 (Open Klant 2.x).

It is the Common Ground client (kcc/commonground/clients.py): every request and response is
validated against the vendored specification, a broken contract is an ``ApiError``. Here every
single request gets its own deadline (``KCC_OPENKLANT_TIMEOUT``): a sync is a series of calls,
not one lookup with one budget.
"""

import requests
from django.conf import settings

from kcc.commonground.clients import ApiError, Deadline, _Client

__all__ = ["ApiError", "KlantinteractiesClient"]


class KlantinteractiesClient(_Client):
    api = "klantinteracties"

    def __init__(self, *, base_url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.timeout = timeout or settings.KCC_OPENKLANT_TIMEOUT
        self.token = settings.KCC_OPENKLANT_TOKEN if token is None else token
        super().__init__(base_url or settings.KCC_OPENKLANT_URL, deadline=Deadline(self.timeout))

    def headers(self) -> dict:
        return {"Accept": "application/json", "Authorization": f"Token {self.token}"}

    def client_error_detail(self, resp: requests.Response) -> str:
        """The register's validation message (field names and codes; Open Klant's problem JSON
        holds no values), shown in the failed list."""
        try:
            data = resp.json()
        except ValueError:
            return resp.text[:200]
        if not isinstance(data, dict):
            return ""
        params = data.get("invalidParams") or []
        names = ", ".join(f"{p.get('name')}: {p.get('reason') or p.get('code')}" for p in params if isinstance(p, dict))
        return " — ".join(x for x in (str(data.get("title") or data.get("detail") or ""), names) if x)[:500]

    def request(self, method: str, path: str, **kwargs) -> dict:
        self.deadline = Deadline(self.timeout)
        return super().request(method, path, **kwargs)

    # --- the calls the sync uses -------------------------------------------------------------
    def find(self, collection: str, params: dict) -> list[dict]:
        """The first page of a filtered list (the filters used here match at most a few)."""
        return self.request("GET", f"/{collection}", params={**params, "pageSize": 100})["results"]

    def create(self, collection: str, body: dict) -> dict:
        return self.request("POST", f"/{collection}", json=body)

    def update(self, collection: str, uuid: str, body: dict) -> dict:
        return self.request("PATCH", f"/{collection}/{uuid}", json=body)

    def get(self, collection: str, uuid: str) -> dict:
        return self.request("GET", f"/{collection}/{uuid}")
