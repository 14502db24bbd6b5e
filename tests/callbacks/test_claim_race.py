"""Two (or more) colleagues claiming the same callback at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection

from callbacks.constants import ActivityKind, CallbackStatus
from callbacks.services import callback_claim, callback_create
from kcc.core.constants import Role
from kcc.core.exceptions import DomainError

from ..conftest import make_staff


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_have_exactly_one_winner(agent, belastingen):
    colleagues = [make_staff(f"bo-race-{i}", belastingen, Role.BACKOFFICE) for i in range(6)]
    callback = callback_create(user=agent, target_department=belastingen, question="Vraag", phone="0612345678", caller_name="Beller")
    barrier = threading.Barrier(len(colleagues))
    winners, losers, errors = [], [], []

    def claim(user):
        try:
            barrier.wait(timeout=10)
            callback_claim(user=user, callback=type(callback).objects.get(pk=callback.pk))
            winners.append(user)
        except DomainError as exc:
            losers.append((user, exc.message))
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(u,)) for u in colleagues]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    assert len(winners) == 1
    assert len(losers) == len(colleagues) - 1
    winner = winners[0]
    assert all((winner.get_full_name() or winner.username) in message for _, message in losers)
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.CLAIMED
    assert callback.claimed_by == winner
    assert callback.activities.filter(kind=ActivityKind.CLAIMED).count() == 1
