"""The demo housing corporation (issue #15): `seed_demo` under KCC_ORGANISATION_KIND=
woningcorporatie seeds "Woonstichting Voorbeeldwonen" with the same seeders as the municipality."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from callbacks.models import CallbackRequest
from channels.constants import Outcome
from channels.models import Contact
from kcc.core.demo import key_staff, profile
from kcc.core.models import Customer, Department, Membership
from knowledgebase import demo as kb_demo
from knowledgebase.models import Article, DepartmentGuide
from signals.models import Signal

pytestmark = pytest.mark.django_db

MUNICIPAL_WORDS = re.compile(r"\b(inwoners?|gemeenten?|gemeentelijke?)\b", re.IGNORECASE)


def _texts():
    """Every seeded text a person reads, with where it comes from."""
    yield from (("department", t) for d in Department.objects.all() for t in (d.name, d.reachability, d.opening_hours))
    yield from (("article", t) for a in Article.objects.all() for t in (a.title, a.question, a.body, a.synonyms))
    yield from (("guide", t) for g in DepartmentGuide.objects.all() for t in (g.handles, g.does_not_handle, g.when_to_transfer, g.when_to_callback))
    yield from (("contact", t) for c in Contact.objects.all()[:2000] for t in (c.subject, c.question, c.notes))
    yield from (("callback", t) for c in CallbackRequest.objects.all() for t in (c.question, c.outcome, c.note))
    yield from (("signal", t) for s in Signal.objects.all() for t in (s.title, s.description, s.impact_description))


def test_seed_demo_seeds_the_housing_corporation(corporation_profile):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Woonstichting Voorbeeldwonen" in out.getvalue()

    # The departments of a corporation's back office, with their reachability agreements.
    departments = {d.code: d for d in Department.objects.all()}
    assert {d.name for d in departments.values()} == {"KCC", "Verhuur", "Incasso", "Reparaties en onderhoud", "Wijkbeheer", "Woningzoekenden"}
    assert all(d.reachability and d.opening_hours and d.callback_norm_days for d in departments.values())
    assert "opzichters" in departments["reparaties"].reachability.lower()
    assert Membership.objects.filter(user__username="backoffice", department__code="incasso").exists()
    assert ("backoffice", "incasso") in {(u, dep) for u, *_rest, dep in key_staff()}

    # About 8,000 tenants, each with their own home (verhuureenheid), and no BSN.
    tenants = Customer.objects.count()
    assert tenants == profile().customers == 8000
    homes = Customer.objects.values("postcode", "house_number", "house_number_addition").distinct().count()
    assert homes == tenants
    assert Customer.objects.filter(house_number_addition__in=["1", "2", "A", "B"]).count() > tenants / 3  # flats
    assert not Customer.objects.exclude(bsn="").exists()

    # About 90 days of contacts with realistic outcomes; repairs are the largest share.
    contacts = Contact.objects.filter(outcome__isnull=False).exclude(outcome="")
    total = contacts.count()
    assert 2800 <= total <= 4500
    oldest = Contact.objects.order_by("started_at").first().started_at
    assert timezone.now() - oldest > timedelta(days=85)
    by_department = dict(contacts.values_list("topic_department__code").annotate(n=Count("pk")))
    assert max(by_department, key=by_department.get) == "reparaties"
    resolved = contacts.filter(outcome__in=[Outcome.RESOLVED, Outcome.RESOLVED_AFTER_CONSULT]).count()
    assert 0.5 < resolved / total < 0.65

    # 120+ knowledge articles, the maintenance ABC among them, and the subjects the issue names.
    published = Article.objects.published()
    assert published.count() >= 120 and kb_demo.topic_count() >= 120
    abc = published.filter(title__startswith="Onderhoudsabc:")
    assert abc.count() >= 40
    assert abc.filter(body__contains="Voor de huurder").exists() and abc.filter(body__contains="Voor Voorbeeldwonen").exists()
    for subject in ("Huur opzeggen", "Betalingsregeling", "Huurachterstand", "huurverhoging", "Woningruil", "overlast", "Inschrijven als woningzoekende"):
        assert published.filter(title__icontains=subject).exists(), subject
    assert DepartmentGuide.objects.count() == 6

    # Callbacks and signals from the frustrations: the opzichters and Incasso call back late.
    decided = CallbackRequest.objects.exclude(closed_on_time__isnull=True)

    def on_time(code):
        qs = decided.filter(target_department__code=code)
        return qs.filter(closed_on_time=True).count() / qs.count()

    assert on_time("reparaties") < on_time("verhuur") and on_time("incasso") < on_time("verhuur")
    assert not Contact.objects.filter(outcome=Outcome.CALLBACK, callbacks__isnull=True).exists()
    titles = set(Signal.objects.values_list("title", flat=True))
    assert {"Opzichters onbereikbaar en bellen huurders niet terug", "Aannemer komt afspraken niet na en belt huurder niet",
            "Incasso onbereikbaar de ochtend na de herinneringsbrieven", "Doorverbonden gesprekken horen niet bij Verhuur"} <= titles
    assert Signal.objects.filter(merged_into__isnull=False).count() == 1
    assert Signal.objects.filter(~Q(evidence=None)).exists()

    # Nothing in the seeded texts speaks of residents or the municipality.
    left = [(where, text) for where, text in _texts() if text and MUNICIPAL_WORDS.search(text)]
    assert left == []

    # Idempotent: a second run adds nothing.
    counts = (Customer.objects.count(), Contact.objects.count(), Article.objects.count(), CallbackRequest.objects.count(), Signal.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Customer.objects.count(), Contact.objects.count(), Article.objects.count(), CallbackRequest.objects.count(), Signal.objects.count()) == counts


def test_the_municipal_demo_keeps_its_departments(settings):
    assert settings.KCC_ORGANISATION_KIND == "gemeente"
    assert profile().customers == 2000
    assert [d[0] for d in profile().departments][:3] == ["kcc", "burgerzaken", "belastingen"]
    assert ("backoffice", "belastingen") in {(u, dep) for u, *_rest, dep in key_staff()}


def test_make_run_keeps_running_for_a_corporation_without_brp_or_case_services(corporation_profile, capsys):
    """The Procfile's demo services (Common Ground) have nothing to serve a corporation; the
    command idles instead of ending, since honcho stops `make run` when one process ends."""
    call_command("run_demo_services", "--once")
    out = capsys.readouterr().out
    assert "no BRP or case services for a housing corporation" in out and "demo brp" not in out
