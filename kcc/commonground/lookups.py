"""Lookups in the BRP and the Zaken/Catalogi APIs for the desk, each written to the processing
log (who, when, which search, for which contact — never the search terms).

BRP answers are turned into small view dicts and never stored; only ``services.
customer_adopt_brp`` copies what the agent adopts into the customer record.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils.dateparse import parse_date, parse_datetime

from kcc.core.constants import LogAction, Purpose
from kcc.core.services import processing_log_record

from .clients import ApiError, BrpClient, CatalogiClient, Deadline, ZakenClient
from .constants import BRP_SEARCH_BSN, LOG_CONTEXT


def brp_enabled() -> bool:
    return bool(settings.KCC_BRP_URL)


def zaken_enabled() -> bool:
    return bool(settings.KCC_ZAKEN_URL and settings.KCC_CATALOGI_URL)


def _log(*, user, contact, what: str, purpose: str) -> None:
    """One processing-log entry for the contact's customer: which search, for which contact."""
    if contact.customer_id:
        processing_log_record(
            user=user, customers=[contact.customer], action=LogAction.EXTERNAL_LOOKUP, purpose=purpose,
            context=f"{LOG_CONTEXT[what]} contact {contact.pk}",
        )


# --- BRP -------------------------------------------------------------------------------------


@dataclass
class BrpPerson:
    bsn: str
    name: str
    first_name: str = ""
    prefix: str = ""
    last_name: str = ""
    birth_date: date | None = None
    street: str = ""
    house_number: int | None = None
    house_number_addition: str = ""
    postcode: str = ""
    city: str = ""
    address_lines: list = field(default_factory=list)
    deceased: date | None = None
    confidential: bool = False

    @property
    def bsn_masked(self) -> str:
        from kcc.core.normalize import mask_bsn

        return mask_bsn(self.bsn)

    @property
    def address_line(self) -> str:
        if self.street:
            number = f"{self.house_number or ''}{self.house_number_addition}"
            postcode = f"{self.postcode[:4]} {self.postcode[4:]}" if len(self.postcode) == 6 else self.postcode
            return f"{self.street} {number}, {postcode} {self.city}".strip()
        return ", ".join(self.address_lines)


def _brp_date(value) -> date | None:
    if isinstance(value, dict) and value.get("datum"):
        return parse_date(value["datum"])
    return None


def brp_person(data: dict) -> BrpPerson:
    """A BRP person as the desk shows it. With geheimhoudingPersoonsgegevens the address is
    dropped here, so no template can show it by mistake."""
    naam = data.get("naam") or {}
    confidential = bool(data.get("geheimhoudingPersoonsgegevens"))
    p = BrpPerson(
        bsn=data.get("burgerservicenummer", ""),
        name=naam.get("volledigeNaam") or " ".join(x for x in (naam.get("voornamen"), naam.get("voorvoegsel"), naam.get("geslachtsnaam")) if x),
        first_name=naam.get("voornamen", ""), prefix=naam.get("voorvoegsel", ""), last_name=naam.get("geslachtsnaam", ""),
        birth_date=_brp_date((data.get("geboorte") or {}).get("datum")),
        deceased=_brp_date((data.get("overlijden") or {}).get("datum")),
        confidential=confidential,
    )
    if not confidential:
        adres = (data.get("verblijfplaats") or {}).get("verblijfadres") or {}
        p.street = adres.get("officieleStraatnaam") or adres.get("korteStraatnaam") or ""
        p.house_number = adres.get("huisnummer")
        p.house_number_addition = (adres.get("huisletter") or "") + (adres.get("huisnummertoevoeging") or "")
        p.postcode = (adres.get("postcode") or "").replace(" ", "").upper()
        p.city = adres.get("woonplaats") or ""
        adressering = data.get("adressering") or {}
        p.address_lines = [adressering[k] for k in ("adresregel1", "adresregel2") if adressering.get(k)]
    return p


def brp_search(*, user, contact, search_type: str, **criteria) -> list[BrpPerson]:
    """Search the BRP (by BSN, surname + birth date, or postcode + house number). Logged
    before the answer is shown, also when the BRP fails (the lookup was attempted)."""
    _log(user=user, contact=contact, what=search_type, purpose=Purpose.IDENTIFY)
    return [brp_person(p) for p in BrpClient(user=user).personen(search_type, **criteria)]


def brp_get(*, user, contact, bsn: str) -> BrpPerson | None:
    found = brp_search(user=user, contact=contact, search_type=BRP_SEARCH_BSN, burgerservicenummer=[bsn])
    return found[0] if found else None


# --- Zaken and Catalogi ----------------------------------------------------------------------


@dataclass
class Case:
    url: str
    identification: str
    description: str
    case_type: str
    status: str
    status_at: datetime | None
    start_date: date | None
    planned_end_date: date | None
    end_date: date | None

    @property
    def is_open(self) -> bool:
        return self.end_date is None


def _catalogi_name(client: CatalogiClient, url: str) -> str:
    """omschrijving of a zaaktype or statustype, cached (they change with a new catalogue
    version, which has a new URL)."""
    if not url or not client.owns(url):
        return ""
    key = f"commonground:catalogi:{url}"
    name = cache.get(key)
    if name is None:
        name = client.get(url).get("omschrijving", "")
        cache.set(key, name, settings.KCC_CATALOGI_CACHE_SECONDS)
    return name


def _case(zaak: dict, *, zaken: ZakenClient, catalogi: CatalogiClient) -> Case:
    try:
        return _case_unguarded(zaak, zaken=zaken, catalogi=catalogi)
    except ApiError:
        raise
    except Exception as exc:  # a case the spec allows but this code cannot show: degrade, never 500
        raise ApiError("contract", api="zaken", detail=type(exc).__name__) from exc


def _case_unguarded(zaak: dict, *, zaken: ZakenClient, catalogi: CatalogiClient) -> Case:
    status_name, status_at = "", None
    if zaak.get("status"):
        status = zaken.status(zaak["status"])
        status_name = _catalogi_name(catalogi, status.get("statustype", ""))
        status_at = parse_datetime(status.get("datumStatusGezet") or "")
    return Case(
        url=zaak["url"], identification=zaak.get("identificatie", ""), description=zaak.get("omschrijving", ""),
        case_type=_catalogi_name(catalogi, zaak.get("zaaktype", "")), status=status_name, status_at=status_at,
        start_date=parse_date(zaak.get("startdatum") or ""), planned_end_date=parse_date(zaak.get("einddatumGepland") or ""),
        end_date=parse_date(zaak.get("einddatum") or ""),
    )


def _parallel(fn, items):
    """Case details are fetched side by side (one deadline for all): a resident with five
    cases costs one round trip more than with one, not five."""
    items = list(items)
    if len(items) <= 1:
        return [fn(i) for i in items]
    with ThreadPoolExecutor(max_workers=min(8, len(items))) as pool:
        return list(pool.map(fn, items))


def case_list(*, user, contact, bsn: str) -> list[Case]:
    """The resident's cases, open ones first (newest start first within each group)."""
    _log(user=user, contact=contact, what="cases", purpose=Purpose.ANSWER_QUESTION)
    deadline = Deadline(settings.KCC_COMMONGROUND_TIMEOUT)
    zaken, catalogi = ZakenClient(deadline=deadline), CatalogiClient(deadline=deadline)
    cases = _parallel(lambda z: _case(z, zaken=zaken, catalogi=catalogi), zaken.zaken_for_bsn(bsn))
    cases.sort(key=lambda c: c.start_date or date.min, reverse=True)
    cases.sort(key=lambda c: not c.is_open)
    return cases


def case_get(*, user, contact, url: str) -> Case:
    _log(user=user, contact=contact, what="case", purpose=Purpose.ANSWER_QUESTION)
    deadline = Deadline(settings.KCC_COMMONGROUND_TIMEOUT)
    zaken, catalogi = ZakenClient(deadline=deadline), CatalogiClient(deadline=deadline)
    if not zaken.owns(url):
        raise ApiError("request", api="zaken", detail="case URL outside the Zaken API")
    return _case(zaken.zaak(url), zaken=zaken, catalogi=catalogi)


def case_status_history(*, user, contact, url: str) -> list[dict]:
    """Every status the case had, oldest first: {name, at, note}."""
    _log(user=user, contact=contact, what="history", purpose=Purpose.ANSWER_QUESTION)
    deadline = Deadline(settings.KCC_COMMONGROUND_TIMEOUT)
    zaken, catalogi = ZakenClient(deadline=deadline), CatalogiClient(deadline=deadline)
    if not zaken.owns(url):
        raise ApiError("request", api="zaken", detail="case URL outside the Zaken API")
    statussen = zaken.statussen(url)
    names = _parallel(lambda s: _catalogi_name(catalogi, s.get("statustype", "")), statussen)
    history = [
        {"name": name, "at": parse_datetime(s.get("datumStatusGezet") or ""), "note": s.get("statustoelichting", "")}
        for s, name in zip(statussen, names, strict=True)
    ]
    history.sort(key=lambda h: h["at"].timestamp() if h["at"] else 0)
    return history
