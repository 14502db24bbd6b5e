"""Write operations of the privacy app, split by concept: retention, access export, erasure and
restriction, legal holds."""

from .erasure import customer_erase, customer_restrict, customer_restriction_lift  # noqa: F401
from .export import customer_export_build  # noqa: F401
from .holds import legal_hold_lift, legal_hold_set  # noqa: F401
from .retention import (  # noqa: F401
    retention_list_approve,
    retention_nightly,
    retention_periods,
    retention_plan,
    retention_run_create,
)
