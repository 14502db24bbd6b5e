"""Demo data for the dashboard: none of its own. It runs last in seed_demo and computes the facts
from the other apps' demo contacts and callbacks, so the dashboard has figures on first login."""

from .services import metrics_rebuild


def seed(out) -> None:
    result = metrics_rebuild()
    out(f"  cijfers berekend: {result.contact_days} dagen klantcontacten, {result.callback_days} dagen terugbelverzoeken ({result.duration_ms} ms)")
