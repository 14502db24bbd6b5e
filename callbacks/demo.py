"""Demo callbacks for `manage.py seed_demo`: one callback request per demo contact closed with the
outcome "callback" (made by the inbox seed), plus standalone ones, over the last 90 days, with
realistic attempts and activity. Most departments keep their norm (about 90% on time); Belastingen
lags (about 70%), so the dashboards have something to show.

Idempotent: contacts that already have their callback are skipped, and standalone callbacks are
only added up to the target number. Everything is bulk-inserted.
"""

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kcc.core.constants import AddressKind, Role
from kcc.core.demo import profile_data
from kcc.core.models import Customer, Department, DigitalAddress, Membership
from kcc.core.workdays import WorkCalendar

from .constants import ActivityKind, AttemptResult, CallbackStatus, Priority, TimeWindow
from .models import CallbackActivity, CallbackAttempt, CallbackRequest

DAYS = 90
STANDALONE_TARGET = 180
# With no callback-outcome contacts from the inbox seed, standalone callbacks fill the 90 days.
STANDALONE_TARGET_WITHOUT_CONTACTS = 900
LAGGING = {"belastingen": 0.70}
ON_TIME = 0.90

QUESTIONS = {
    "belastingen": [
        "Inwoner begrijpt de aanslag gemeentelijke belastingen niet en wil uitleg over de WOZ-waarde.",
        "Vraag over kwijtschelding van de afvalstoffenheffing; inwoner heeft een laag inkomen.",
        "Inwoner wil bezwaar maken tegen de WOZ-beschikking en vraagt hoe dat werkt.",
        "Betalingsregeling aanslag: inwoner wil in termijnen betalen.",
        "Dubbele afschrijving van de hondenbelasting, inwoner wil het geld terug.",
    ],
    "burgerzaken": [
        "Paspoort kwijtgeraakt in het buitenland, inwoner wil weten wat nu.",
        "Vraag over verhuizing doorgeven voor een inwonend familielid.",
        "Inwoner wil een uittreksel BRP voor een emigratie en heeft een spoedvraag.",
        "Afspraak rijbewijs verlengen lukt niet online.",
    ],
    "afval": [
        "Grofvuil niet opgehaald op de afgesproken dag.",
        "Container kapot na het legen, inwoner wil een nieuwe.",
        "Vraag over de pasjes voor de ondergrondse container.",
    ],
    "werk-inkomen": [
        "Inwoner wacht op de beslissing over de bijstandsaanvraag en wil de consulent spreken.",
        "Vraag over de inkomstenopgave en verrekening van de uitkering.",
        "Inwoner heeft schulden en vraagt naar schuldhulpverlening.",
    ],
    "wmo": [
        "Aanvraag traplift: inwoner wil weten hoe het staat met de aanvraag.",
        "Huishoudelijke hulp is al twee weken niet geweest.",
        "Mantelzorger vraagt naar respijtzorg voor haar moeder.",
    ],
    "parkeren": [
        "Bezwaar tegen een naheffingsaanslag parkeren.",
        "Vraag over de bezoekersvergunning voor een verhuisdag.",
    ],
    "vergunningen": [
        "Inwoner wil weten of een dakkapel vergunningsvrij is.",
        "Vraag over de status van de omgevingsvergunning voor een uitbouw.",
    ],
    "openbare-ruimte": [
        "Losliggende stoeptegels voor de deur, melding al gedaan maar niets gehoord.",
        "Boom in de straat geeft overlast, inwoner wil snoeien laten doen.",
    ],
    "jeugd": [
        "Ouder wacht op een gesprek met het wijkteam over jeugdhulp.",
        "Vraag over de toegang tot jeugd-ggz voor een kind van 12.",
    ],
    "wonen": [
        "Vraag over urgentie voor een sociale huurwoning.",
        "Inwoner wil weten hoe de woonvergunning werkt bij splitsen.",
    ],
    "kcc": [
        "Inwoner wil teruggebeld worden over een eerder gesteld antwoord.",
    ],
}
OUTCOMES = [
    "Uitleg gegeven; inwoner is tevreden.",
    "Afspraak gemaakt op het stadskantoor.",
    "Formulier per post toegestuurd.",
    "Inwoner doorverwezen naar het digitale loket.",
    "Zaak aangemaakt en termijn uitgelegd.",
]
# A note for the colleague, why a callback was cancelled, and the departments that get more.
CALLBACK_NOTES = ["", "", "Inwoner is slechthorend: rustig praten.", "Liefst na 14:00 bellen."]
CANCEL_REASON = "Inwoner belde zelf opnieuw en is door het KCC geholpen."
BUSY = ("belastingen", "werk-inkomen", "wmo", "burgerzaken")
NOTES = ["Geen gehoor.", "Voicemail ingesproken met terugbelnummer.", "In gesprek.", "Nummer niet in gebruik."]
CALLER_NAMES = ["Mevrouw de Wit", "Meneer Yilmaz", "Mevrouw Bakker", "Meneer Jansen", "Mevrouw El Idrissi", "Meneer de Groot"]


def _at(day, rng: random.Random, start_hour=9, end_hour=17) -> datetime:
    minutes = rng.randint(start_hour * 60, end_hour * 60 - 1)
    return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))


def _working_days(calendar: WorkCalendar, start, end) -> list:
    days, d = [], start
    while d <= end:
        if calendar.is_working_day(d):
            days.append(d)
        d += timedelta(days=1)
    return days


class _Plan:
    """Builds callbacks with their attempts and activities in memory, then bulk-inserts."""

    def __init__(self, calendar: WorkCalendar, today, workers: dict, agents: list):
        self.calendar, self.today, self.workers, self.agents = calendar, today, workers, agents
        self.callbacks: list[CallbackRequest] = []
        self.attempts: list[list[CallbackAttempt]] = []
        self.activities: list[list[CallbackActivity]] = []
        self.counters: dict[int, int] = {}
        # The profile's wording (callbacks/demo_data/corporatie.py for a housing corporation).
        self.lagging, self.outcomes, self.notes, self.cancel_reason = profile_data(__name__, "LAGGING", "OUTCOMES", "CALLBACK_NOTES", "CANCEL_REASON")

    def _on_time(self, department) -> bool:
        """Per department, an exact share on time: a golden-ratio sequence spreads the late ones
        evenly instead of leaving the rate to chance."""
        k = self.counters[department.pk] = self.counters.get(department.pk, 0) + 1
        return (k * 0.6180339887) % 1 < self.lagging.get(department.code, ON_TIME)

    def add(self, rng: random.Random, *, created_at, department, customer=None, caller_name="", phone, question, creator, contact=None):
        calendar, today = self.calendar, self.today
        deadline = calendar.deadline(created_at, department.callback_norm_days)
        workers = self.workers.get(department.pk) or self.agents
        worker = rng.choice(workers)
        cb = CallbackRequest(
            customer=customer, caller_name="" if customer else caller_name, phone=phone, question=question,
            source_contact=contact, target_department=department, created_by=creator, created_at=created_at, deadline=deadline,
            priority=Priority.HIGH if rng.random() < 0.1 else Priority.NORMAL,
            time_window=rng.choice([TimeWindow.ANYTIME, TimeWindow.ANYTIME, TimeWindow.MORNING, TimeWindow.AFTERNOON]),
            note=rng.choice(self.notes),
        )
        attempts: list[CallbackAttempt] = []
        activities = [CallbackActivity(kind=ActivityKind.CREATED, at=created_at, actor=creator, actor_name=_name(creator),
                                       details={"department": department.name, "deadline": deadline.isoformat(), "assigned_to": ""})]
        start = timezone.localdate(created_at)
        decided = deadline < today
        if decided:
            on_time = self._on_time(department)
            if on_time:
                window = _working_days(calendar, start, deadline) or [deadline]
                close_day = rng.choice(window)
            else:
                late_by = rng.choice([1, 1, 2, 2, 3, 4, 6])
                close_day = calendar.add_working_days(deadline, late_by)
                if close_day >= today:
                    close_day = None  # still open and overdue
        else:
            # Not due yet: most still to call, some already handled on an earlier day.
            earlier = _working_days(calendar, start, today - timedelta(days=1))
            close_day = rng.choice(earlier) if earlier and rng.random() < 0.3 else None
        end_kind = None
        if close_day is not None:
            r = rng.random()
            end_kind = CallbackStatus.DONE if r < 0.88 else CallbackStatus.UNREACHABLE if r < 0.97 else CallbackStatus.CANCELLED
        claim_at = max(created_at + timedelta(minutes=rng.randint(20, 240)), _at(start, rng))
        if end_kind in (CallbackStatus.DONE, CallbackStatus.UNREACHABLE):
            attempt_days = _working_days(calendar, start, close_day) or [close_day]
            failed = rng.choice([0, 0, 0, 1, 1, 2]) if end_kind == CallbackStatus.DONE else 3
            times = sorted(max(_at(rng.choice(attempt_days), rng), created_at + timedelta(minutes=30)) for _ in range(failed))
            end_at = max(_at(close_day, rng), (times[-1] if times else created_at) + timedelta(minutes=30))
            claim_at = min(claim_at, (times[0] if times else end_at) - timedelta(minutes=5))
            claim_at = max(claim_at, created_at + timedelta(minutes=1))
            activities.append(CallbackActivity(kind=ActivityKind.CLAIMED, at=claim_at, actor=worker, actor_name=_name(worker)))
            for t in times:
                result = rng.choice([AttemptResult.NO_ANSWER, AttemptResult.NO_ANSWER, AttemptResult.VOICEMAIL])
                attempts.append(CallbackAttempt(at=t, created_at=t, by=worker, result=result, note=rng.choice(NOTES[:3])))
                activities.append(CallbackActivity(kind=ActivityKind.ATTEMPT, at=t, actor=worker, actor_name=_name(worker), details={"result": result}))
            if end_kind == CallbackStatus.DONE:
                reached_at = end_at - timedelta(minutes=rng.randint(1, 10))
                attempts.append(CallbackAttempt(at=reached_at, created_at=reached_at, by=worker, result=AttemptResult.REACHED, note=rng.choice(self.outcomes)))
                activities.append(CallbackActivity(kind=ActivityKind.ATTEMPT, at=reached_at, actor=worker, actor_name=_name(worker), details={"result": AttemptResult.REACHED}))
                cb.outcome = rng.choice(self.outcomes)
            cb.status, cb.failed_attempts = end_kind, failed
            cb.claimed_by, cb.claimed_at, cb.assigned_to = worker, claim_at, worker
            cb.closed_at, cb.closed_by = end_at, worker
            cb.closed_on_time = timezone.localdate(end_at) <= deadline
            kind = ActivityKind.DONE if end_kind == CallbackStatus.DONE else ActivityKind.UNREACHABLE
            activities.append(CallbackActivity(kind=kind, at=end_at, actor=worker, actor_name=_name(worker),
                                               details={"outcome": cb.outcome} if kind == ActivityKind.DONE else {"attempts": failed}))
        elif end_kind == CallbackStatus.CANCELLED:
            end_at = max(_at(close_day, rng), created_at + timedelta(minutes=30))
            reason = self.cancel_reason
            cb.status, cb.closed_at, cb.closed_by, cb.outcome = CallbackStatus.CANCELLED, end_at, creator, reason
            activities.append(CallbackActivity(kind=ActivityKind.CANCELLED, at=end_at, actor=creator, actor_name=_name(creator), details={"reason": reason}))
        else:
            # Still to call: some claimed, with a failed attempt or two; the rest in the queue.
            claim_at = min(claim_at, timezone.now() - timedelta(minutes=5))
            if rng.random() < 0.45 and claim_at > created_at:
                cb.status, cb.claimed_by, cb.claimed_at, cb.assigned_to = CallbackStatus.CLAIMED, worker, claim_at, worker
                activities.append(CallbackActivity(kind=ActivityKind.CLAIMED, at=claim_at, actor=worker, actor_name=_name(worker)))
                for _ in range(rng.choice([0, 0, 1, 2])):
                    t = claim_at + timedelta(minutes=rng.randint(5, 60 * 24))
                    if t >= timezone.now():
                        break
                    attempts.append(CallbackAttempt(at=t, created_at=t, by=worker, result=AttemptResult.NO_ANSWER, note=NOTES[0]))
                    activities.append(CallbackActivity(kind=ActivityKind.ATTEMPT, at=t, actor=worker, actor_name=_name(worker), details={"result": AttemptResult.NO_ANSWER}))
                    cb.failed_attempts += 1
            else:
                cb.status = CallbackStatus.OPEN
        # What the morning sweep would have recorded.
        if cb.closed_at is None or timezone.localdate(cb.closed_at) > deadline:
            overdue_day = deadline + timedelta(days=1)  # the first morning sweep after the deadline
            if overdue_day <= today:
                cb.overdue_at = timezone.make_aware(datetime.combine(overdue_day, time(7, 0)))
                if cb.closed_at is None or cb.overdue_at < cb.closed_at:
                    activities.append(CallbackActivity(kind=ActivityKind.OVERDUE, at=cb.overdue_at, details={"date": overdue_day.isoformat()}))
                else:
                    cb.overdue_at = None
            escalate_day = calendar.add_working_days(deadline, settings.KCC_CALLBACK_ESCALATION_DAYS + 1)
            if escalate_day <= today and (cb.closed_at is None or timezone.localdate(cb.closed_at) > escalate_day):
                cb.escalated_at = timezone.make_aware(datetime.combine(escalate_day, time(7, 0)))
                activities.append(CallbackActivity(kind=ActivityKind.ESCALATED, at=cb.escalated_at, details={"to": []}))
        self.callbacks.append(cb)
        self.attempts.append(attempts)
        self.activities.append(activities)

    @transaction.atomic
    def save(self) -> tuple[int, int, int]:
        created = CallbackRequest.objects.bulk_create(self.callbacks, batch_size=500)
        if created and created[0].pk is None:  # backends without RETURNING
            raise RuntimeError("bulk_create did not return primary keys")
        attempts, activities = [], []
        for cb, atts, acts in zip(created, self.attempts, self.activities, strict=True):
            for a in atts:
                a.callback_id = cb.pk
                attempts.append(a)
            for a in acts:
                a.callback_id = cb.pk
                activities.append(a)
        CallbackAttempt.objects.bulk_create(attempts, batch_size=1000)
        CallbackActivity.objects.bulk_create(activities, batch_size=1000)
        return len(created), len(attempts), len(activities)


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _phones(customer_ids) -> dict[int, str]:
    phones = {}
    for cid, value in (
        DigitalAddress.objects.filter(customer_id__in=customer_ids, kind=AddressKind.PHONE)
        .order_by("customer_id", "-is_default").values_list("customer_id", "value")
    ):
        phones.setdefault(cid, value)
    return phones


def seed(out) -> None:
    from channels.constants import Outcome
    from channels.models import Contact

    departments = list(Department.objects.filter(is_active=True))
    if not departments:
        out("  terugbelverzoeken: geen afdelingen (draai eerst de kern-demo)")
        return
    User = get_user_model()
    workers: dict[int, list] = {}
    for m in Membership.objects.filter(role__in=[Role.BACKOFFICE, Role.MANAGER, Role.AGENT], user__is_active=True).select_related("user"):
        if m.role != Role.MANAGER:
            workers.setdefault(m.department_id, []).append(m.user)
    agents = list(User.objects.filter(memberships__role=Role.AGENT, is_active=True).distinct().order_by("pk"))
    if not agents:
        out("  terugbelverzoeken: geen KCC-medewerkers (draai eerst de kern-demo)")
        return
    calendar = WorkCalendar()
    today = timezone.localdate()
    plan = _Plan(calendar, today, workers, agents)
    back_offices = [d for d in departments if not d.is_kcc] or departments
    # Lagging departments get a fair share of the demo callbacks so the difference shows.
    QUESTIONS, BUSY = profile_data(__name__, "QUESTIONS", "BUSY")  # noqa: N806 - the profile's
    weights = [3 if d.code in BUSY else 1 for d in back_offices]

    # Every closed callback contact the inbox demo inserted gets its callback, however old: no
    # contact is ever closed as a callback without one (docs/callbacks.md, the invariant).
    contacts = list(
        Contact.objects.filter(outcome=Outcome.CALLBACK, callbacks__isnull=True)
        .select_related("topic_department", "customer", "closed_by").order_by("pk")
    )
    phones = _phones({c.customer_id for c in contacts if c.customer_id})
    for contact in contacts:
        rng = random.Random(f"contact-{contact.pk}")
        department = contact.topic_department or rng.choices(back_offices, weights)[0]
        created_at = contact.ended_at or contact.started_at
        phone = phones.get(contact.customer_id) or contact.caller_address or f"+316{rng.randint(10000000, 99999999)}"
        plan.add(
            rng, created_at=min(created_at, timezone.now()), department=department, customer=contact.customer,
            caller_name="" if contact.customer_id else rng.choice(CALLER_NAMES), phone=phone,
            question=contact.question or contact.subject or rng.choice(QUESTIONS.get(department.code, QUESTIONS["kcc"])),
            creator=contact.closed_by or rng.choice(agents), contact=contact,
        )
    from_contacts = len(plan.callbacks)

    has_contact_callbacks = from_contacts or CallbackRequest.objects.filter(source_contact__isnull=False).exists()
    target = STANDALONE_TARGET if has_contact_callbacks else STANDALONE_TARGET_WITHOUT_CONTACTS
    existing = CallbackRequest.objects.filter(source_contact__isnull=True).count()
    missing = max(target - existing, 0)
    if missing:
        rng = random.Random(f"standalone-{existing}")
        customer_ids = list(Customer.objects.active().order_by("pk").values_list("pk", flat=True)[:3000])
        customers = Customer.objects.in_bulk(rng.sample(customer_ids, min(len(customer_ids), missing)))
        customer_list = list(customers.values())
        phones = _phones(customers.keys())
        now = timezone.now()
        for i in range(missing):
            # Spread over the last 90 days on working days, in office hours; a few from today.
            day = today - timedelta(days=int(DAYS * (1 - i / missing)))
            day = calendar.next_working_day(day)
            created_at = min(_at(day, rng, 8, 17), now - timedelta(minutes=rng.randint(5, 90)))
            department = rng.choices(back_offices, weights)[0]
            customer = customer_list[i % len(customer_list)] if customer_list and rng.random() < 0.8 else None
            plan.add(
                rng, created_at=created_at, department=department, customer=customer, caller_name=rng.choice(CALLER_NAMES),
                phone=(phones.get(customer.pk) if customer else None) or f"+316{rng.randint(10000000, 99999999)}",
                question=rng.choice(QUESTIONS.get(department.code, QUESTIONS["kcc"])), creator=rng.choice(agents),
            )
    if not plan.callbacks:
        out(f"  terugbelverzoeken: {CallbackRequest.objects.count()} (al aanwezig)")
        return
    n, attempts, activities = plan.save()
    out(f"  terugbelverzoeken: {n} nieuw ({from_contacts} uit klantcontacten), {attempts} belpogingen, {activities} activiteiten")
