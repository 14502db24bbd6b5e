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
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_DIR = Path(__file__).resolve().parent / "specs"
SPEC_FILES = {
    "brp": "brp-personen-2.7.0.yaml",
    "zaken": "zaken-1.5.1.yaml",
    "catalogi": "catalogi-1.3.1.yaml",
    "klantinteracties": "klantinteracties-0.9.0.yaml",
}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _spec_dict(api: str) -> dict:
    with open(SPEC_DIR / SPEC_FILES[api], encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)  # noqa: S506  (a safe loader)


@cache
def openapi_for(api: str, base_path: str) -> OpenAPI:
    """The spec of ``api`` ("brp", "zaken", "catalogi", "klantinteracties") served under ``base_path``
    (e.g. "/haalcentraal/api/brp")."""
    data = dict(_spec_dict(api))
    data["servers"] = [{"url": base_path.rstrip("/") or "/"}]
    return OpenAPI.from_dict(data)


@cache
def _registry(api: str) -> Registry:
    resource = Resource.from_contents(_spec_dict(api), default_specification=DRAFT202012)
    return Registry().with_resource(f"urn:kcc:{api}", resource)


def validate_discriminated(api: str, base_schema: str, instance) -> None:
    """Validate ``instance`` against the schema its ``type`` names in ``base_schema``'s
    discriminator mapping, or raise ValueError.

    JSON Schema ignores OpenAPI's ``discriminator``, so validating against the BRP's
    ``PersonenQuery`` / ``PersonenQueryResponse`` alone checks little more than ``type``. The BRP
    spec is OpenAPI 3.1 (JSON Schema 2020-12), hence the 3.1 validator.
    """
    if not isinstance(instance, dict):
        raise ValueError("not a JSON object")
    mapping = _spec_dict(api)["components"]["schemas"][base_schema]["discriminator"]["mapping"]
    target = mapping.get(instance.get("type"))
    if target is None:
        raise ValueError(f"unknown type {instance.get('type')!r}")
    validator = OAS31Validator({"$ref": f"urn:kcc:{api}{target}"}, registry=_registry(api))
    error = next(iter(sorted(validator.iter_errors(instance), key=lambda e: list(e.path))), None)
    if error is not None:
        raise ValueError(f"{'/'.join(map(str, error.path))}: {error.message}"[:300])
