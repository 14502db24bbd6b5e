from datetime import date

import pytest
from django.db.models import Sum

from kcc.dashboard.constants import ACW_BUCKET_FIELDS, HANDLE_BUCKET_FIELDS
from kcc.dashboard.models import AgentRollup, CallbackFact, ContactFact, ContactRollup, TransferFact

COUNT_FIELDS = (
    "inbound", "closed", "base", "resolved", "resolved_after_consult", "transferred", "callback", "referred",
    "customer_will_call_back", "disconnected", "fcr", "fcr_adjusted", "transfers", "misroutes", "handle_count", "handle_sum",
    "acw_count", "acw_sum",
)


def snapshot() -> dict:
    """Every fact row as comparable tuples, without ids and computation times."""
    def rows(model, exclude=("id", "computed_at")):
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
        return sorted(tuple(str(v) for v in row) for row in model.objects.values_list(*names))

    return {"contact": rows(ContactFact), "rollup": rows(ContactRollup), "agent_rollup": rows(AgentRollup), "transfer": rows(TransferFact), "callback": rows(CallbackFact)}


def day_totals(day: date, **filters) -> dict:
    """Sums of the contact facts of one day (optionally filtered), e.g. day_totals(d)["fcr"]."""
    qs = ContactFact.objects.filter(day=day, **filters)
    sums = qs.aggregate(**{f: Sum(f) for f in (*COUNT_FIELDS, *HANDLE_BUCKET_FIELDS, *ACW_BUCKET_FIELDS)})
    return {k: v or 0 for k, v in sums.items()}


@pytest.fixture
def take_snapshot():
    return snapshot
