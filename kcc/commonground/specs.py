"""The vendored OpenAPI specifications (specs/NOTICE.md) as openapi-core objects.

Parsing the Zaken and Catalogi files takes a few seconds, so each is loaded once per process.
The published ``servers`` point at the owners' hosts; in memory they are replaced by the path of
the configured base URL, so requests to any host (a municipality's proxy, a loopback double)
are matched on their path alone.
"""

from functools import cache
from pathlib import Path

import yaml
from openapi_core import OpenAPI

SPEC_DIR = Path(__file__).resolve().parent / "specs"
SPEC_FILES = {
    "brp": "brp-personen-2.7.0.yaml",
    "zaken": "zaken-1.5.1.yaml",
    "catalogi": "catalogi-1.3.1.yaml",
}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _spec_dict(api: str) -> dict:
    with open(SPEC_DIR / SPEC_FILES[api], encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)  # noqa: S506  (a safe loader)


@cache
def openapi_for(api: str, base_path: str) -> OpenAPI:
    """The spec of ``api`` ("brp", "zaken", "catalogi") served under ``base_path``
    (e.g. "/haalcentraal/api/brp")."""
    data = dict(_spec_dict(api))
    data["servers"] = [{"url": base_path.rstrip("/") or "/"}]
    return OpenAPI.from_dict(data)
