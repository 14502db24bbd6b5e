import datetime as dt

import factory
from django.utils import timezone

from callbacks.constants import AttemptResult, CallbackStatus
from callbacks.models import CallbackAttempt, CallbackRequest
from tests.core.factories import CustomerFactory, DepartmentFactory


class CallbackFactory(factory.django.DjangoModelFactory):
    """A callback straight in the database (no service, no e-mail). Use the services in tests
    about behaviour; this factory sets up the surroundings."""

    class Meta:
        model = CallbackRequest

    customer = factory.SubFactory(CustomerFactory)
    phone = "+31612345678"
    question = "Vraag over de aanslag gemeentelijke belastingen"
    target_department = factory.SubFactory(DepartmentFactory)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=2))
    status = CallbackStatus.OPEN

    class Params:
        overdue = factory.Trait(deadline=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3)))
        anonymous = factory.Trait(customer=None, caller_name="Bellende inwoner")
        claimed = factory.Trait(
            status=CallbackStatus.CLAIMED,
            claimed_at=factory.LazyFunction(timezone.now),
        )
        done = factory.Trait(
            status=CallbackStatus.DONE, closed_at=factory.LazyFunction(timezone.now), closed_on_time=True,
        )


class AttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallbackAttempt

    callback = factory.SubFactory(CallbackFactory)
    result = AttemptResult.NO_ANSWER
