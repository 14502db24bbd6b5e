"""Fixture data for the loopback doubles: BRP persons, cases, case types and statuses, in the
shapes the published specifications prescribe (the doubles validate every answer).

``Fixtures`` is plain data; tests build one by hand, the demo services build one from the demo
residents (``fixtures_for_residents``).
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]
RSIN = "002220647"  # the demo municipality's RSIN (a valid elfproef number)


def brp_date(d: date) -> dict:
    return {"type": "Datum", "datum": d.isoformat(), "langFormaat": f"{d.day} {MONTHS[d.month - 1]} {d.year}"}


def person(
    *, bsn: str, first_name: str, last_name: str, prefix: str = "", birth_date: date, street: str = "", number: int | None = None,
    letter: str = "", addition: str = "", postcode: str = "", city: str = "", deceased: date | None = None, confidential: bool = False,
) -> dict:
    """A full BRP person (what "RaadpleegMetBurgerservicenummer" may return)."""
    full = " ".join(p for p in (first_name, prefix, last_name) if p)
    naam = {"voornamen": first_name, "geslachtsnaam": last_name, "volledigeNaam": full}
    if prefix:
        naam["voorvoegsel"] = prefix
    p = {"burgerservicenummer": bsn, "naam": naam, "geboorte": {"datum": brp_date(birth_date)}}
    if street and number:
        adres = {"officieleStraatnaam": street, "korteStraatnaam": street[:24], "huisnummer": number, "postcode": postcode, "woonplaats": city}
        if letter:
            adres["huisletter"] = letter
        if addition:
            adres["huisnummertoevoeging"] = addition
        p["verblijfplaats"] = {"type": "Adres", "verblijfadres": adres}
        line1 = f"{street} {number}{letter}{('-' + addition) if addition else ''}"
        p["adressering"] = {"adresregel1": line1, "adresregel2": f"{postcode[:4]} {postcode[4:]}  {city.upper()}"}
    if deceased:
        p["overlijden"] = {"datum": brp_date(deceased)}
    if confidential:
        p["geheimhoudingPersoonsgegevens"] = True
    return p


@dataclass
class Fixtures:
    base_zaken: str = "http://127.0.0.1/zaken/api/v1"
    base_catalogi: str = "http://127.0.0.1/catalogi/api/v1"
    persons: list = field(default_factory=list)
    zaken: dict = field(default_factory=dict)  # uuid -> zaak
    zaak_bsn: dict = field(default_factory=dict)  # zaak uuid -> bsn of the initiator
    statussen: dict = field(default_factory=dict)  # uuid -> status
    zaaktypen: dict = field(default_factory=dict)  # uuid -> zaaktype
    statustypen: dict = field(default_factory=dict)  # uuid -> statustype

    # --- catalogi ---------------------------------------------------------------------------
    def add_zaaktype(self, omschrijving: str, statuses: list[str], *, identificatie: str = "") -> str:
        zt_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"zaaktype:{omschrijving}"))
        zt_url = f"{self.base_catalogi}/zaaktypen/{zt_uuid}"
        catalogus = f"{self.base_catalogi}/catalogussen/{uuid.uuid5(uuid.NAMESPACE_URL, 'catalogus')}"
        st_urls = []
        for n, name in enumerate(statuses, start=1):
            st_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"statustype:{omschrijving}:{name}"))
            st_url = f"{self.base_catalogi}/statustypen/{st_uuid}"
            st_urls.append(st_url)
            self.statustypen[st_uuid] = {
                "url": st_url, "omschrijving": name, "omschrijvingGeneriek": name, "statustekst": "", "zaaktype": zt_url,
                "catalogus": catalogus, "zaaktypeIdentificatie": identificatie or omschrijving[:50], "volgnummer": n,
                "isEindstatus": n == len(statuses), "informeren": False, "zaakobjecttype": f"{self.base_catalogi}/zaakobjecttypen/{uuid.uuid5(uuid.NAMESPACE_URL, 'zot')}",
            }
        self.zaaktypen[zt_uuid] = {
            "url": zt_url, "identificatie": identificatie or omschrijving[:50], "omschrijving": omschrijving, "omschrijvingGeneriek": omschrijving,
            "vertrouwelijkheidaanduiding": "openbaar", "doel": omschrijving, "aanleiding": "Verzoek van een inwoner", "toelichting": "",
            "indicatieInternOfExtern": "extern", "handelingInitiator": "aanvragen", "onderwerp": omschrijving[:80], "handelingBehandelaar": "behandelen",
            "doorlooptijd": "P8W", "servicenorm": None, "opschortingEnAanhoudingMogelijk": False, "verlengingMogelijk": False,
            "verlengingstermijn": None, "trefwoorden": [], "publicatieIndicatie": False, "publicatietekst": "", "verantwoordingsrelatie": [],
            "productenOfDiensten": [], "referentieproces": {"naam": omschrijving[:80], "link": ""}, "verantwoordelijke": "Gemeente Voorbeeldstad",
            "zaakobjecttypen": [], "catalogus": catalogus, "statustypen": st_urls, "resultaattypen": [], "eigenschappen": [],
            "informatieobjecttypen": "", "roltypen": [], "besluittypen": [], "deelzaaktypen": [], "gerelateerdeZaaktypen": [],
            "beginGeldigheid": "2024-01-01", "eindeGeldigheid": None, "beginObject": None, "eindeObject": None,
            "versiedatum": "2024-01-01", "concept": False,
        }
        return zt_url

    # --- zaken -----------------------------------------------------------------------------
    def add_zaak(
        self, *, bsn: str, identificatie: str, omschrijving: str, zaaktype: str, startdatum: date,
        einddatum_gepland: date | None = None, einddatum: date | None = None, status_history: list[tuple[str, datetime]] = (),
    ) -> dict:
        """A case with ``bsn`` as initiator and its status history: (statustype omschrijving, set at)."""
        z_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"zaak:{identificatie}"))
        z_url = f"{self.base_zaken}/zaken/{z_uuid}"
        zt = self.zaaktypen[zaaktype.rsplit("/", 1)[-1]]
        by_name = {self.statustypen[u.rsplit("/", 1)[-1]]["omschrijving"]: u for u in zt["statustypen"]}
        last_url = None
        for n, (name, at) in enumerate(status_history):
            s_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"status:{identificatie}:{n}"))
            s_url = f"{self.base_zaken}/statussen/{s_uuid}"
            self.statussen[s_uuid] = {
                "url": s_url, "uuid": s_uuid, "zaak": z_url, "statustype": by_name[name],
                "datumStatusGezet": at.astimezone(UTC).isoformat().replace("+00:00", "Z"), "statustoelichting": "",
                "indicatieLaatstGezetteStatus": n == len(status_history) - 1, "zaakinformatieobjecten": [],
            }
            last_url = s_url
        zaak = {
            "url": z_url, "uuid": z_uuid, "identificatie": identificatie, "bronorganisatie": RSIN, "omschrijving": omschrijving,
            "toelichting": "", "zaaktype": zaaktype, "registratiedatum": startdatum.isoformat(), "verantwoordelijkeOrganisatie": RSIN,
            "startdatum": startdatum.isoformat(), "einddatum": einddatum.isoformat() if einddatum else None,
            "einddatumGepland": einddatum_gepland.isoformat() if einddatum_gepland else None, "uiterlijkeEinddatumAfdoening": None,
            "publicatiedatum": None, "communicatiekanaal": "", "productenOfDiensten": [], "vertrouwelijkheidaanduiding": "openbaar",
            "betalingsindicatie": "", "betalingsindicatieWeergave": "", "laatsteBetaaldatum": None,
            "selectielijstklasse": "", "hoofdzaak": None, "deelzaken": [],
            "relevanteAndereZaken": [], "eigenschappen": [], "rollen": [], "status": last_url, "zaakinformatieobjecten": [],
            "zaakobjecten": [], "kenmerken": [], "archiefstatus": "nog_te_archiveren", "archiefactiedatum": None,
            "resultaat": None, "opdrachtgevendeOrganisatie": "", "processobjectaard": None, "startdatumBewaartermijn": None,
        }
        self.zaken[z_uuid] = zaak
        self.zaak_bsn[z_uuid] = bsn
        return zaak


# --- the demo: fixtures for the demo residents --------------------------------------------------

DEMO_CASE_TYPES = [
    ("Aanvraag omgevingsvergunning", ["Ontvangen", "In behandeling", "Advies ingewonnen", "Besluit genomen"]),
    ("Melding openbare ruimte", ["Ontvangen", "Ingepland", "Afgehandeld"]),
    ("Aanvraag bijzondere bijstand", ["Ontvangen", "Aanvullende gegevens gevraagd", "In behandeling", "Besluit genomen"]),
    ("Bezwaar WOZ-beschikking", ["Ontvangen", "Hoorzitting gepland", "Besluit op bezwaar"]),
    ("Aanvraag parkeervergunning", ["Ontvangen", "In behandeling", "Verleend"]),
]


def _stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def bsn_for(seed: str) -> str:
    """A deterministic BSN that passes the elfproef (for demo residents without one)."""
    n = _stable(seed)
    while True:
        digits = [int(c) for c in f"{n % 10**8:08d}"]
        if digits[0]:
            last = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
            if last <= 9:
                return "".join(map(str, digits)) + str(last)
        n = n // 7 + 13


def fixtures_for_residents(residents, *, base_zaken: str, base_catalogi: str, today: date | None = None) -> Fixtures:
    """BRP persons and cases for the demo residents (``residents``: dicts with the Customer
    fields). Residents without a BSN get a deterministic one in the demo BRP, so a search by
    postcode and house number finds them and the agent can adopt the BSN."""
    today = today or date.today()
    fx = Fixtures(base_zaken=base_zaken, base_catalogi=base_catalogi)
    types = [fx.add_zaaktype(name, statuses) for name, statuses in DEMO_CASE_TYPES]
    for r in residents:
        bsn = r.get("bsn") or bsn_for(f"resident:{r['pk']}")
        h = _stable(bsn)
        birth = r.get("birth_date") or date(1940 + h % 60, 1 + h % 12, 1 + h % 28)
        addition = r.get("house_number_addition") or ""
        letter = addition if len(addition) == 1 and addition.isalpha() else ""
        fx.persons.append(
            person(
                bsn=bsn, first_name=r.get("first_name") or "J.", prefix=r.get("name_prefix") or "", last_name=r["last_name"],
                birth_date=birth, street=r.get("street") or "", number=r.get("house_number"), letter=letter,
                addition="" if letter else addition, postcode=r.get("postcode") or "", city=r.get("city") or "",
                confidential=h % 29 == 0,
            )
        )
        for i in range(h % 4):
            name, statuses = DEMO_CASE_TYPES[(h + i) % len(DEMO_CASE_TYPES)]
            start = today - timedelta(days=5 + (h >> (i + 3)) % 300)
            closed = i == 2
            steps = statuses if closed else statuses[: 1 + (h >> i) % (len(statuses) - 1)]
            history = [(s, datetime.combine(start + timedelta(days=4 * n), datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)) for n, s in enumerate(steps)]
            fx.add_zaak(
                bsn=bsn, identificatie=f"ZAAK-{start.year}-{h % 100000:05d}{i}", omschrijving=f"{name} {r['last_name']}"[:80],
                zaaktype=types[(h + i) % len(types)], startdatum=start, einddatum_gepland=start + timedelta(weeks=8),
                einddatum=(start + timedelta(days=4 * len(steps))) if closed else None, status_history=history,
            )
    return fx
