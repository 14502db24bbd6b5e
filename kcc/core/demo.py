"""Demo data for the core domain: departments, staff with roles, and residents.

Each `seed_*` function is idempotent: it only creates what is missing. The organisation
profile (KCC_ORGANISATION_KIND) picks the organisation: "Gemeente Voorbeeldstad" (11
departments, 2,000 residents) or the housing corporation "Woonstichting Voorbeeldwonen"
(6 departments, about 8,000 tenants, each with their home, the verhuureenheid).
"""

import importlib
import random
import sys
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from .constants import AddressKind, Role
from .models import Customer, Department, DigitalAddress
from .normalize import fold_text, try_normalize_phone
from .services import staff_role_grant
from .terminology import CORPORATION, MUNICIPALITY, kind

DEMO_PASSWORD = "Welkom-bij-het-KCC-2026"

DEPARTMENTS = [
    # code, name, norm (working days), opening hours, reachability
    ("kcc", "KCC", 1, "ma-vr 8:30-17:00", "Telefoon 14 020, chat en e-mail. Het KCC is het eerste aanspreekpunt."),
    ("burgerzaken", "Burgerzaken", 2, "ma-vr 9:00-16:30, do-avond tot 20:00 (op afspraak)", "Backoffice bereikbaar via doorverbinden ma-vr 9:00-12:00."),
    ("belastingen", "Belastingen", 3, "ma-vr 9:00-12:00", "Alleen 's ochtends telefonisch bereikbaar; in de weken na de aanslagen vaak in gesprek. Maak dan een terugbelverzoek."),
    ("afval", "Afval en Reiniging", 2, "ma-vr 8:00-16:00", "Doorverbinden alleen bij spoed (zwerfafval met gevaar); anders een melding of terugbelverzoek."),
    ("werk-inkomen", "Werk en Inkomen", 2, "ma-vr 9:00-17:00", "Consulenten bellen zelf terug; niet live doorverbinden tenzij crisis."),
    ("wmo", "Wmo en Zorg", 2, "ma-vr 9:00-17:00", "Wmo-loket live bereikbaar ma-do 9:00-12:00."),
    ("parkeren", "Parkeren", 2, "ma-vr 9:00-17:00", "Bereikbaar via doorverbinden; vergunningen ook digitaal."),
    ("vergunningen", "Vergunningen", 5, "ma-vr 9:00-12:00", "Vakspecialisten werken op afspraak: maak een terugbelverzoek."),
    ("openbare-ruimte", "Openbare Ruimte", 2, "ma-vr 8:00-16:30", "Meldingen via het meldingensysteem; doorverbinden bij gevaar op straat."),
    ("jeugd", "Jeugd", 1, "ma-vr 9:00-17:00", "Bij zorgen over veiligheid van een kind: direct doorverbinden."),
    ("wonen", "Wonen", 3, "di en do 9:00-12:00", "Beperkt bereikbaar: terugbelverzoek is de norm."),
]

CITIES = [
    ("Voorbeeldstad", "1011"), ("Voorbeeldstad", "1012"), ("Voorbeeldstad", "1013"), ("Voorbeeldstad", "1014"),
    ("Dorpsveen", "1391"), ("Oudewater aan Zee", "1392"),
]


# The housing corporation's departments and their reachability agreements; the frustrations
# of its KCC are in them (opzichters out in the field, Incasso in meetings after reminders).
CORPORATION_DEPARTMENTS = [
    ("kcc", "KCC", 1, "ma-vr 8:30-17:00; spoedreparaties 24/7 via de storingslijn", "Telefoon, chat, e-mail, app en huurdersportaal. Het KCC is het eerste aanspreekpunt voor huurders en woningzoekenden en beantwoordt 80% zelf."),
    ("verhuur", "Verhuur", 2, "ma-vr 9:00-17:00", "Verhuurconsulenten live bereikbaar ma-do 9:00-12:00 (opzeggingen, inspecties); daarna een terugbelverzoek."),
    ("incasso", "Incasso", 2, "ma-vr 9:00-12:00", "Alleen 's ochtends bereikbaar; de dag na de herinneringsbrieven 's ochtends in overleg: terugbelverzoek. Deurwaarder of dreigende ontruiming: altijd doorverbinden."),
    ("reparaties", "Reparaties en onderhoud", 1, "ma-vr 8:00-16:30; spoed 24/7 via de storingsdienst", "De opzichters zijn in de wijk en niet live bereikbaar: terugbelverzoek, binnen 1 werkdag teruggebeld. Spoed (lekkage, geen verwarming, stroomstoring): de storingsdienst."),
    ("wijkbeheer", "Wijkbeheer", 3, "ma-vr 9:00-17:00", "Woonconsulenten werken in de wijk en bellen terug. Acute nood of geweld: 112."),
    ("woningzoekenden", "Woningzoekenden", 3, "di en do 9:00-12:00", "Beperkt bereikbaar; het KCC beantwoordt de meeste vragen zelf met de kennisbank. Terugbelverzoek is de norm."),
]
CORPORATION_CITIES = [
    ("Voorbeeldstad", "1021"), ("Voorbeeldstad", "1022"), ("Voorbeeldstad", "1023"), ("Voorbeeldstad", "1024"),
    ("Voorbeeldstad", "1025"), ("Dorpsveen", "1391"), ("Oudewater aan Zee", "1392"),
]


@dataclass(frozen=True)
class Profile:
    """What the demo organisation of a profile looks like."""

    departments: list
    cities: list
    customers: int
    staff_department: str  # the department of the demo accounts `backoffice` and `manager`
    editor_department: str  # the department of the second editor, `redacteur-<code>`
    domain: str
    kcc_phone: str


PROFILES = {
    MUNICIPALITY: Profile(DEPARTMENTS, CITIES, 2000, "belastingen", "burgerzaken", "voorbeeldstad.example", "14 020"),
    CORPORATION: Profile(CORPORATION_DEPARTMENTS, CORPORATION_CITIES, 8000, "incasso", "verhuur", "voorbeeldwonen.example", "088 123 45 00"),
}


def profile() -> Profile:
    return PROFILES[kind()]


def profile_data(module_name: str, *names: str) -> list:
    """For an app's demo seeder: the named constants of the organisation profile. A
    municipality's are the seeder's own (module `module_name`); a housing corporation's live in
    `<app>.demo_data.corporatie`. Same seeder, other data."""
    if kind() == CORPORATION:
        source = importlib.import_module(module_name.rsplit(".", 1)[0] + ".demo_data.corporatie")
    else:
        source = sys.modules[module_name]
    return [getattr(source, name) for name in names]


def seed_departments(out) -> dict[str, Department]:
    result = {}
    org = profile()
    for code, name, norm, hours, reach in org.departments:
        dep, created = Department.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "callback_norm_days": norm, "opening_hours": hours, "reachability": reach,
                "is_kcc": code == "kcc", "email": f"{code}@{org.domain}",
                "phone": org.kcc_phone if code == "kcc" else f"020-55{random.Random(code).randint(10000, 99999)}",
            },
        )
        result[code] = dep
    out(f"  afdelingen: {len(result)}")
    return result


# username, first, last, role, department code
KEY_STAFF = [
    ("agent", "Sanne", "de Vries", Role.AGENT, "kcc"),
    ("teamleider", "Mohammed", "El Amrani", Role.TEAMLEAD, "kcc"),
    ("backoffice", "Petra", "Jansen", Role.BACKOFFICE, "belastingen"),
    ("manager", "Joost", "van Dijk", Role.MANAGER, "belastingen"),
    ("redacteur", "Fatima", "Yilmaz", Role.EDITOR, "kcc"),
    ("beheerder", "Kees", "Bakker", Role.ADMIN, "kcc"),
    ("privacy", "Ingrid", "Smit", Role.PRIVACY, "kcc"),
]


def key_staff() -> list[tuple]:
    """KEY_STAFF in the profile's departments."""
    staff_department = profile().staff_department
    return [(u, first, last, role, staff_department if code == "belastingen" else code) for u, first, last, role, code in KEY_STAFF]


def seed_staff(out, departments: dict[str, Department], fake: Faker) -> list:
    User = get_user_model()
    org = profile()
    plan = key_staff()
    rng = random.Random(42)
    for i in range(2, 13):
        plan.append((f"agent{i}", fake.first_name(), fake.last_name(), Role.AGENT, "kcc"))
    plan.append(("teamleider2", fake.first_name(), fake.last_name(), Role.TEAMLEAD, "kcc"))
    for code in departments:
        if code in ("kcc",):
            continue
        if code != org.staff_department:
            plan.append((f"manager-{code}", fake.first_name(), fake.last_name(), Role.MANAGER, code))
        plan.append((f"bo-{code}", fake.first_name(), fake.last_name(), Role.BACKOFFICE, code))
        if rng.random() < 0.5:
            plan.append((f"bo2-{code}", fake.first_name(), fake.last_name(), Role.BACKOFFICE, code))
    plan.append((f"redacteur-{org.editor_department}", fake.first_name(), fake.last_name(), Role.EDITOR, org.editor_department))
    created_users = []
    password_hash = make_password(DEMO_PASSWORD)  # hash once: 40 PBKDF2 runs take seconds
    for username, first, last, role, code in plan:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@{org.domain}"}
        )
        if created:
            user.password = password_hash
            user.save(update_fields=["password"])
            created_users.append(user)
        staff_role_grant(user=user, department=departments[code], role=role)
    out(f"  medewerkers: {len(plan)} ({len(created_users)} nieuw)")
    return created_users


def _bsn(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        if digits[0] == 0:
            continue
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last <= 9:
            return "".join(map(str, digits)) + str(last)


def _mobile_number(rng: random.Random) -> str:
    """A Dutch mobile number that the app's own validator accepts (not every 06 range exists)."""
    while True:
        candidate = f"+316{rng.randint(10000000, 99999999)}"
        if try_normalize_phone(candidate) == candidate:
            return candidate


def _homes(rng: random.Random, fake: Faker, count: int) -> list[tuple]:
    """`count` distinct homes (verhuureenheden) of a housing corporation: streets of family
    houses and blocks of flats (house number plus a floor addition), one postcode per street."""
    homes, used_streets = [], set()
    pc_letters = iter(a + b for a in "ABCDEFGHJKLMNPRSTVWXZ" for b in "ABCDEFGHJKLMNPRSTVWXZ")
    while len(homes) < count:
        street = fake.street_name()
        if street in used_streets:
            continue
        used_streets.add(street)
        city, pc4 = rng.choice(CORPORATION_CITIES)
        postcode = f"{pc4}{next(pc_letters)}"
        if rng.random() < 0.35:  # a street of family houses
            homes += [(street, n, "", postcode, city) for n in range(1, rng.randint(20, 60))]
        else:  # blocks of flats: every number has floors 1..4 (portiek) or A..D (galerij)
            floors = rng.choice([["1", "2", "3", "4"], ["A", "B", "C", "D"], ["hs", "1", "2", "3"]])
            homes += [(street, n, f, postcode, city) for n in range(1, rng.randint(8, 40), 2) for f in floors]
    return homes[:count]


def seed_customers(out, fake: Faker, count: int = 2000) -> None:
    existing = Customer.objects.count()
    if existing >= count:
        out(f"  klanten: {existing} (al aanwezig)")
        return
    rng = random.Random(2026)
    customers, seen_bsn = [], set(Customer.objects.exclude(bsn="").values_list("bsn", flat=True))
    if kind() == CORPORATION:
        # Tenants: one per home, no BSN (a corporation does not keep one).
        taken = set(Customer.objects.values_list("postcode", "house_number", "house_number_addition"))
        for street, number, addition, postcode, city in _homes(rng, fake, count + len(taken)):
            if len(customers) >= count - existing:
                break
            if (postcode, number, addition) in taken:
                continue
            first, prefix, last = fake.first_name(), rng.choice(["", "", "", "van", "de", "van der", "el"]), fake.last_name().split(" ")[-1].capitalize()
            customers.append(Customer(
                first_name=first, name_prefix=prefix, last_name=last, street=street, house_number=number,
                house_number_addition=addition, postcode=postcode, city=city, name_folded=fold_text(f"{first} {prefix} {last}"),
            ))
    streets = [fake.street_name() for _ in range(120)] if not customers else []
    for _ in range(count - existing if not customers else 0):
        city, pc4 = rng.choice(CITIES)
        letters = rng.choice("ABCDEFGHJKLMNPRTVWXZ") + rng.choice("ABCDEFGHJKLMNPRTVWXZ")
        prefix = rng.choice(["", "", "", "", "van", "de", "van der", "van den", "ter"])
        last = fake.last_name().split(" ")[-1]
        first = fake.first_name()
        bsn = ""
        if rng.random() < 0.3:
            bsn = _bsn(rng)
            if bsn in seen_bsn:
                bsn = ""
            seen_bsn.add(bsn)
        customers.append(
            Customer(
                first_name=first, name_prefix=prefix, last_name=last.capitalize(),
                street=rng.choice(streets), house_number=rng.randint(1, 250),
                house_number_addition=rng.choice(["", "", "", "", "A", "B", "1"]),
                postcode=f"{pc4}{letters}", city=city, bsn=bsn,
                name_folded=fold_text(f"{first} {prefix} {last}"),
            )
        )
    with transaction.atomic():
        created = Customer.objects.bulk_create(customers, batch_size=500)
        if not created or created[0].pk is None:  # backends without RETURNING
            created = list(Customer.objects.order_by("-pk")[: len(customers)])
        addresses = []
        for c in created:
            phone = _mobile_number(rng)
            addresses.append(DigitalAddress(customer=c, kind=AddressKind.PHONE, value=phone, is_default=True, verified_at=c.created_at if rng.random() < 0.6 else None))
            if rng.random() < 0.7:
                local = fold_text(c.first_name).replace(" ", "") + "." + fold_text(c.last_name).replace(" ", "")
                email = f"{local}{rng.randint(1, 99)}@{rng.choice(['example.nl', 'voorbeeldmail.nl', 'post.example'])}"
                addresses.append(DigitalAddress(customer=c, kind=AddressKind.EMAIL, value=email, is_default=True, verified_at=c.created_at if rng.random() < 0.6 else None))
        DigitalAddress.objects.bulk_create(addresses, batch_size=1000, ignore_conflicts=True)
    out(f"  klanten: {len(created)} nieuw")


def seed(out) -> None:
    fake = Faker("nl_NL")
    Faker.seed(2026)
    random.seed(2026)
    departments = seed_departments(out)
    seed_staff(out, departments, fake)
    seed_customers(out, fake, count=profile().customers)
