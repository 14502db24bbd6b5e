"""The demo's deliberate quarantine is quiet (INFO); a real quarantine still warns."""

import logging

import pytest

from channels import demo_ingestion
from channels.constants import InboundSource, InboundStatus
from channels.ingestion import ingest_email
from channels.models import InboundRaw

pytestmark = pytest.mark.django_db


def _records(caplog):
    return [r for r in caplog.records if r.name == "channels.ingestion" and "quarantined" in r.getMessage()]


def test_demo_seed_quarantines_at_info_level_only(caplog):
    caplog.set_level(logging.INFO, logger="channels.ingestion")
    demo_ingestion.seed(out=lambda *a: None)
    records = _records(caplog)
    assert InboundRaw.objects.filter(status=InboundStatus.QUARANTINED).count() == len(records) == 5
    assert {r.levelno for r in records} == {logging.INFO}


def test_real_quarantine_still_warns(caplog):
    caplog.set_level(logging.INFO, logger="channels.ingestion")
    result = ingest_email(raw=b"\x89\x00 geen e-mail \xff", source=InboundSource.EMAIL_FILE, meta={"path": "x.eml"})
    assert result.status == InboundStatus.QUARANTINED
    [record] = _records(caplog)
    assert record.levelno == logging.WARNING


def test_a_demo_flag_that_is_not_exactly_true_still_warns(caplog):
    caplog.set_level(logging.INFO, logger="channels.ingestion")
    ingest_email(raw=b"\x89\x00 geen e-mail \xff", source=InboundSource.EMAIL_FILE, meta={"demo": "yes"})
    [record] = _records(caplog)
    assert record.levelno == logging.WARNING
