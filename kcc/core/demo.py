"""Demo data for the core domain: departments, staff with roles, and residents.

Each `seed_*` function is idempotent: it only creates what is missing.
"""

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from .constants import AddressKind, Role
from .models import Customer, Department, DigitalAddress
from .normalize import fold_text, try_normalize_phone
from .services import staff_role_grant

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


def seed_departments(out) -> dict[str, Department]:
    result = {}
    for code, name, norm, hours, reach in DEPARTMENTS:
        dep, created = Department.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "callback_norm_days": norm, "opening_hours": hours, "reachability": reach,
                "is_kcc": code == "kcc", "email": f"{code}@voorbeeldstad.example",
                "phone": "14 020" if code == "kcc" else f"020-55{random.Random(code).randint(10000, 99999)}",
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


def seed_staff(out, departments: dict[str, Department], fake: Faker) -> list:
    User = get_user_model()
    plan = list(KEY_STAFF)
    rng = random.Random(42)
    for i in range(2, 13):
        plan.append((f"agent{i}", fake.first_name(), fake.last_name(), Role.AGENT, "kcc"))
    plan.append(("teamleider2", fake.first_name(), fake.last_name(), Role.TEAMLEAD, "kcc"))
    for code in departments:
        if code in ("kcc",):
            continue
        if code != "belastingen":
            plan.append((f"manager-{code}", fake.first_name(), fake.last_name(), Role.MANAGER, code))
        plan.append((f"bo-{code}", fake.first_name(), fake.last_name(), Role.BACKOFFICE, code))
        if rng.random() < 0.5:
            plan.append((f"bo2-{code}", fake.first_name(), fake.last_name(), Role.BACKOFFICE, code))
    plan.append(("redacteur-burgerzaken", fake.first_name(), fake.last_name(), Role.EDITOR, "burgerzaken"))
    created_users = []
    password_hash = make_password(DEMO_PASSWORD)  # hash once: 40 PBKDF2 runs take seconds
    for username, first, last, role, code in plan:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@voorbeeldstad.example"}
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


def seed_customers(out, fake: Faker, count: int = 2000) -> None:
    existing = Customer.objects.count()
    if existing >= count:
        out(f"  klanten: {existing} (al aanwezig)")
        return
    rng = random.Random(2026)
    customers, seen_bsn = [], set(Customer.objects.exclude(bsn="").values_list("bsn", flat=True))
    streets = [fake.street_name() for _ in range(120)]
    for _ in range(count - existing):
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
    seed_customers(out, fake)
