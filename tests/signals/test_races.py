import threading

import pytest
from django.db import connection

from signals import services
from signals.models import Evidence, Signal

from .factories import ContactFactory, SignalFactory


def run_in_threads(*targets):
    barrier = threading.Barrier(len(targets))
    errors = []

    def wrap(fn):
        def run():
            try:
                barrier.wait()
                fn()
            except Exception as exc:  # surfaced by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_agents_linking_at_once_keep_the_counter_right(agent, agent2, belastingen):
    signal = SignalFactory(department=belastingen)
    shared, own1, own2 = ContactFactory(), ContactFactory(), ContactFactory()
    errors = run_in_threads(
        lambda: services.signal_evidence_add(user=agent, signal=signal, contact=shared),
        lambda: services.signal_evidence_add(user=agent2, signal=signal, contact=shared),
        lambda: services.signal_evidence_add(user=agent, signal=signal, contact=own1),
        lambda: services.signal_evidence_add(user=agent2, signal=signal, contact=own2),
    )
    assert errors == []
    assert Evidence.objects.filter(signal=signal).count() == 3
    assert Signal.objects.get(pk=signal.pk).evidence_count == 3
