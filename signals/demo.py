"""Demo data for the signals board: about 40 signals across departments and every status, with
departments' responses, threaded comments, a merged duplicate, a resolution that changed a
knowledge article, and evidence links to the inbox's demo contacts.

Idempotent: a signal is identified by its title and only created when missing. Evidence is
topped up on every run, so when the inbox demo runs later (or contacts arrive), the next
`seed_demo` links them. Without contacts the signals are still created.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from kcc.core.constants import Role
from kcc.core.demo import profile_data
from kcc.core.exceptions import DomainError
from kcc.core.models import Department, Membership
from kcc.core.workdays import WorkCalendar

from .constants import Impact, SignalCategory, SignalStatus
from .models import Comment, Evidence, Signal, Supporter
from .services import (
    signal_comment_add,
    signal_evidence_recount,
    signal_merge,
    signal_raise,
    signal_transition,
)

C, S, IMP = SignalCategory, SignalStatus, Impact

ACK, PROGRESS, RESOLVE, REJECT = S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED, S.REJECTED


@dataclass
class Plan:
    title: str
    department: str
    category: str
    impact: str
    days_ago: int
    evidence: int
    keywords: tuple
    description: str
    residents: str = ""
    steps: list = field(default_factory=list)  # [(status, response, working days after previous step)]
    comments: list = field(default_factory=list)  # [(author key, text, reply to index or None)]
    article_keyword: str = ""  # resolved by changing the article whose title contains this


PLANS = [
    Plan(
        "Belastingen onbereikbaar na aanslagen", "belastingen", C.REACHABILITY, IMP.HIGH, 38, 26, ("aanslag", "woz", "betalingsregeling"),
        "Sinds de aanslagen gemeentelijke belastingen zijn verstuurd, is Belastingen 's ochtends vrijwel niet bereikbaar. "
        "Doorverbinden lukt niet, terugbelverzoeken blijven dagen liggen.",
        "Inwoners bellen drie, vier keer en worden boos; sommigen missen daardoor de bezwaartermijn.",
        [(ACK, "Herkenbaar: we hebben de piek onderschat. We zetten extra mensen op de telefoon.", 2),
         (PROGRESS, "Vanaf maandag bemensen twee extra collega's de lijn tot 16:00. Terugbelverzoeken pakken we binnen 1 werkdag op.", 3)],
        [("agent", "Vandaag weer 12 bellers die niet doorgeschakeld konden worden.", None),
         ("bo", "Dank. Kunnen jullie bij terugbelverzoeken het aanslagnummer noteren? Dat scheelt ons zoeken.", 0),
         ("agent2", "Doen we, staat vanaf nu in de werkinstructie.", 1)],
    ),
    Plan(
        "Aannemer komt afspraken niet na", "openbare-ruimte", C.CONTRACTOR, IMP.HIGH, 30, 14, ("stoeptegel", "lantaarn", "boom"),
        "De aannemer die het herstel van stoepen en straatverlichting uitvoert, komt niet op de afgesproken dagen. "
        "Inwoners hebben vrij genomen en niemand komt.",
        "Inwoners nemen vrij voor niets en bellen opnieuw; er liggen weken losse tegels.",
        [(ACK, "We spreken de aannemer hier deze week op aan in het contractoverleg.", 1)],
        [("teamlead", "Kan de afdeling een vast aanspreekpunt bij de aannemer doorgeven? Dan kunnen we inwoners beter informeren.", None)],
    ),
    Plan(
        "Brief parkeervergunning onduidelijk", "parkeren", C.KNOWLEDGE, IMP.MEDIUM, 55, 18, ("parkeervergunning", "bezoekers"),
        "In de nieuwe brief over de parkeervergunning staat niet dat het kenteken vooraf moet worden doorgegeven. "
        "Veel inwoners bellen met de vraag wat ze moeten invullen.",
        "Inwoners krijgen een boete omdat hun kenteken niet gekoppeld is.",
        [(ACK, "Klopt, de zin over het kenteken is weggevallen in de nieuwe opmaak.", 1),
         (PROGRESS, "De brief wordt aangepast; de tekst ligt bij communicatie.", 2),
         (RESOLVE, "De nieuwe brief gaat vanaf deze week mee. Het kennisartikel over de parkeervergunning is bijgewerkt: "
                   "KCC kan inwoners met een boete naar het bezwaarformulier verwijzen.", 6)],
        article_keyword="parkeervergunning",
    ),
    Plan(
        "Belastingen neemt telefoon niet op", "belastingen", C.REACHABILITY, IMP.MEDIUM, 33, 4, ("aanslag",),
        "Doorverbinden naar Belastingen lukt niet, de lijn gaat over zonder dat er iemand opneemt.",
    ),
    Plan(
        "Afvalpas werkt niet bij nieuwe containers", "afval", C.SYSTEM, IMP.HIGH, 21, 16, ("afvalpas", "container"),
        "Na de vervanging van de ondergrondse containers in Noord werken oude afvalpassen niet meer.",
        "Inwoners kunnen hun restafval niet kwijt; er ontstaat bijplaatsing naast de containers.",
        [(ACK, "Bekend probleem bij de leverancier; er komt een software-update.", 1),
         (PROGRESS, "De update is gepland voor volgende week dinsdag. Tot die tijd kunnen inwoners een tijdelijke pas halen bij de milieustraat.", 2)],
    ),
    Plan(
        "Groene container niet geleegd in Dorpsveen", "afval", C.CONTRACTOR, IMP.MEDIUM, 12, 9, ("container niet geleegd",),
        "In Dorpsveen worden de groene containers op dinsdag structureel overgeslagen.",
        "Stank en ongedierte; inwoners zetten de container opnieuw buiten.",
        [(ACK, "We hebben de route met de inzamelaar doorgenomen.", 1)],
    ),
    Plan(
        "Grofvuil: afspraken online niet te maken", "afval", C.SYSTEM, IMP.LOW, 8, 6, ("grofvuil",),
        "Het online formulier voor grofvuil geeft een foutmelding bij het kiezen van een datum.",
    ),
    Plan(
        "Wachttijd paspoortafspraak zes weken", "burgerzaken", C.PROCESS, IMP.HIGH, 45, 22, ("paspoort", "id-kaart", "afspraak"),
        "De eerste vrije afspraak voor een paspoort of ID-kaart is over zes weken. Inwoners met een reis komen in de knel.",
        "Inwoners kunnen niet op reis of moeten een noodpaspoort bij de marechaussee halen.",
        [(ACK, "De capaciteit is door ziekte verminderd. We openen extra avondopenstellingen.", 2),
         (PROGRESS, "Extra avonden op dinsdag en donderdag. Spoedafspraken kunnen via de backoffice.", 3),
         (RESOLVE, "De wachttijd is terug naar een week. Spoedgevallen: doorverbinden naar Burgerzaken; het kennisartikel over spoedaanvragen is bijgewerkt.", 10)],
        article_keyword="spoedaanvraag paspoort",
    ),
    Plan(
        "Uittreksel BRP: betaling online mislukt", "burgerzaken", C.SYSTEM, IMP.MEDIUM, 16, 7, ("uittreksel",),
        "Inwoners die online een uittreksel BRP aanvragen, krijgen na betalen een foutmelding en weten niet of het gelukt is.",
        "Dubbel betaald, of geen uittreksel voor de werkgever.",
        [(ACK, "We kijken met de leverancier van het e-loket naar de betaalkoppeling.", 3)],
    ),
    Plan(
        "Verhuizing doorgeven: bevestiging komt niet", "burgerzaken", C.PROCESS, IMP.LOW, 6, 3, ("verhuizing",),
        "Inwoners die een verhuizing online doorgeven, krijgen geen bevestigingsmail en bellen om te controleren.",
    ),
    Plan(
        "Uitkering te laat gestort", "werk-inkomen", C.PROCESS, IMP.HIGH, 27, 12, ("uitkering",),
        "De bijstandsuitkering is deze maand bij een groep inwoners twee dagen te laat gestort, zonder bericht.",
        "Inwoners kunnen huur en boodschappen niet betalen.",
        [(ACK, "Er ging iets mis in de betaalrun. We informeren de getroffen inwoners per brief.", 1),
         (PROGRESS, "Getroffen inwoners zijn gebeld; bij schulden door de vertraging kan bijzondere bijstand.", 1),
         (RESOLVE, "De betaalrun is aangepast; vanaf volgende maand weer op tijd. KCC kan verwijzen naar het kennisartikel over betaaldata.", 5)],
        article_keyword="uitbetaling bijstand",
    ),
    Plan(
        "Inlichtingenformulier niet te vinden op de website", "werk-inkomen", C.KNOWLEDGE, IMP.MEDIUM, 18, 8, ("inlichtingenformulier",),
        "In de brief staat dat het formulier op de website staat, maar de link werkt niet.",
        "Inwoners leveren het formulier te laat in en krijgen een korting op hun uitkering.",
        [(ACK, "De link is aangepast, de brief wordt bij de volgende druk gecorrigeerd.", 1),
         (PROGRESS, "Nieuwe brief bij de drukker.", 4)],
    ),
    Plan(
        "Bijzondere bijstand: doorlooptijd onbekend", "werk-inkomen", C.KNOWLEDGE, IMP.LOW, 4, 2, ("bijzondere bijstand",),
        "Het KCC kan inwoners niet vertellen hoe lang een aanvraag bijzondere bijstand duurt.",
    ),
    Plan(
        "Wmo-aanvraag: geen ontvangstbevestiging", "wmo", C.PROCESS, IMP.MEDIUM, 24, 10, ("wmo", "huishoudelijke hulp"),
        "Inwoners die een Wmo-melding doen, horen weken niets en weten niet of hun melding binnen is.",
        "Ouderen bellen herhaaldelijk en raken ongerust.",
        [(ACK, "We sturen voortaan binnen twee werkdagen een ontvangstbevestiging met de naam van de consulent.", 2),
         (PROGRESS, "De standaardbrief is klaar; vanaf volgende week automatisch.", 3)],
    ),
    Plan(
        "Eigen bijdrage CAK leidt tot veel vragen", "wmo", C.KNOWLEDGE, IMP.MEDIUM, 35, 11, ("eigen bijdrage",),
        "Inwoners snappen de factuur van het CAK niet en bellen de gemeente.",
        "",
        [(REJECT, "De factuur komt van het CAK, niet van de gemeente. Verwijs inwoners naar het CAK (0800-1925); "
                  "het kennisartikel 'Eigen bijdrage Wmo' beschrijft dit al.", 2)],
    ),
    Plan(
        "Traplift: vergoeding onduidelijk in kennisbank", "wmo", C.KNOWLEDGE, IMP.LOW, 50, 5, ("woningaanpassing",),
        "Het kennisartikel over woningaanpassingen noemt een oud maximumbedrag.",
        "",
        [(ACK, "Dank, we controleren de bedragen.", 1),
         (PROGRESS, "Bedragen worden bijgewerkt met de nieuwe verordening.", 2),
         (RESOLVE, "Het kennisartikel is bijgewerkt met de bedragen van dit jaar.", 3)],
        article_keyword="woning",
    ),
    Plan(
        "Vergunningen: terugbelverzoeken blijven liggen", "vergunningen", C.REACHABILITY, IMP.HIGH, 14, 9, ("vergunning", "dakkapel"),
        "Terugbelverzoeken voor Vergunningen worden niet binnen de norm van vijf werkdagen opgepakt.",
        "Inwoners lopen vertraging op met hun verbouwing en dienen klachten in.",
    ),
    Plan(
        "Evenementenvergunning: formulier vraagt onnodige stukken", "vergunningen", C.PROCESS, IMP.LOW, 40, 4, ("evenementenvergunning",),
        "Voor een klein straatfeest vraagt het formulier een veiligheidsplan.",
        "",
        [(REJECT, "Voor straatfeesten tot 150 bezoekers volstaat een melding; dat staat in het formulier. Geen aanpassing nodig.", 3)],
    ),
    Plan(
        "Kapvergunning: kaart op de website klopt niet", "vergunningen", C.SYSTEM, IMP.LOW, 10, 2, ("kapvergunning",),
        "De kaart met beschermde bomen op de website toont oude gegevens.",
        "",
        [(ACK, "Bekend, de kaart wordt vernieuwd.", 4)],
    ),
    Plan(
        "Lantaarnpalen Noord al weken defect", "openbare-ruimte", C.CONTRACTOR, IMP.MEDIUM, 26, 11, ("lantaarn",),
        "In de wijk Noord staan tientallen lantaarnpalen uit. Meldingen worden afgesloten zonder dat er iets gebeurt.",
        "Onveilig gevoel op straat in de avond.",
        [(ACK, "De storing zit in een kabel; de netbeheerder moet graven.", 2),
         (PROGRESS, "Graafwerk gepland; naar verwachting binnen twee weken opgelost.", 2)],
    ),
    Plan(
        "Meldingen openbare ruimte worden zonder reactie gesloten", "openbare-ruimte", C.PROCESS, IMP.MEDIUM, 9, 7, ("zwerfafval", "boom"),
        "Inwoners krijgen een mail dat hun melding is afgehandeld, terwijl er niets is gedaan.",
        "Inwoners melden opnieuw en verliezen vertrouwen.",
    ),
    Plan(
        "Zwerfafval bij speeltuin na weekend", "openbare-ruimte", C.OTHER, IMP.LOW, 60, 6, ("zwerfafval",),
        "Na elk weekend ligt er glas bij de speeltuin in het park.",
        "",
        [(ACK, "We plannen een extra ronde op maandagochtend.", 1),
         (PROGRESS, "Extra ronde ingepland.", 1),
         (RESOLVE, "De maandagronde loopt nu vast; er zijn geen nieuwe meldingen meer.", 10)],
    ),
    Plan(
        "Jeugdhulp: wachtlijst niet bekend bij KCC", "jeugd", C.KNOWLEDGE, IMP.HIGH, 20, 3, ("jeugdhulp",),
        "Het KCC weet niet hoe lang de wachtlijst voor jeugdhulp is en kan ouders niets vertellen.",
        "Ouders in zorg over hun kind worden van het kastje naar de muur gestuurd.",
        [(ACK, "We leveren maandelijks de actuele wachttijden aan voor de kennisbank.", 1)],
    ),
    Plan(
        "Veilig Thuis-nummer ontbreekt in script", "jeugd", C.KNOWLEDGE, IMP.HIGH, 3, 1, ("zorgen om een kind",),
        "In het belscript voor zorgen om een kind staat niet het nummer van Veilig Thuis.",
    ),
    Plan(
        "Urgentieaanvraag: status niet te zien", "wonen", C.PROCESS, IMP.MEDIUM, 29, 4, ("urgentie",),
        "Inwoners met een urgentieaanvraag bellen om de status, maar het KCC kan die niet inzien.",
        "",
        [(ACK, "We maken een wekelijkse statuslijst voor het KCC.", 3),
         (PROGRESS, "Eerste lijst gedeeld; we evalueren na een maand.", 4)],
    ),
    Plan(
        "Inschrijving woningzoekende: verwijzing klopt niet", "wonen", C.KNOWLEDGE, IMP.LOW, 70, 3, ("woningzoekende",),
        "Het kennisartikel verwijst naar de oude website van de woningcorporaties.",
        "",
        [(ACK, "Klopt.", 2), (PROGRESS, "Nieuwe link aangeleverd aan de redactie.", 2),
         (RESOLVE, "Kennisartikel aangepast met de nieuwe website.", 2)],
        article_keyword="woningzoekende",
    ),
    Plan(
        "WOZ-bezwaar: formulier niet beschikbaar", "belastingen", C.SYSTEM, IMP.HIGH, 11, 12, ("woz",),
        "Het digitale bezwaarformulier voor de WOZ-waarde geeft sinds maandag een foutmelding.",
        "Inwoners dreigen de bezwaartermijn van zes weken te missen.",
        [(ACK, "Het formulier is hersteld. Bezwaren per mail worden ook geaccepteerd.", 0),
         (PROGRESS, "We verlengen de termijn niet, maar accepteren bezwaren per mail of brief.", 1)],
    ),
    Plan(
        "Kwijtschelding: beslistermijn wordt overschreden", "belastingen", C.PROCESS, IMP.MEDIUM, 48, 8, ("kwijtschelding",),
        "Verzoeken om kwijtschelding worden niet binnen acht weken beslist; inwoners krijgen intussen aanmaningen.",
        "Inwoners met een laag inkomen krijgen aanmaningskosten.",
        [(ACK, "Bekend, achterstand door de piek.", 2),
         (PROGRESS, "Invordering is stilgezet voor lopende verzoeken.", 2),
         (RESOLVE, "Achterstand is weggewerkt; aanmaningskosten voor lopende verzoeken worden teruggedraaid.", 12)],
    ),
    Plan(
        "Hondenbelasting: afmelden kan niet online", "belastingen", C.PROCESS, IMP.LOW, 17, 3, ("hondenbelasting",),
        "Afmelden voor de hondenbelasting kan alleen per brief.",
        "",
        [(REJECT, "Afmelden kan per mail naar belastingen@voorbeeldstad.example; een online formulier staat op de planning voor volgend jaar.", 3)],
    ),
    Plan(
        "Betalingsregeling: bevestiging noemt verkeerde termijnen", "belastingen", C.SYSTEM, IMP.MEDIUM, 5, 5, ("betalingsregeling",),
        "De bevestiging van een betalingsregeling noemt tien termijnen in plaats van acht.",
    ),
    Plan(
        "Bezoekersparkeren app logt uit", "parkeren", C.SYSTEM, IMP.LOW, 13, 5, ("bezoekers",),
        "De app voor bezoekersparkeren logt inwoners steeds uit; bezoek krijgt een boete.",
        "",
        [(ACK, "Melding gedaan bij de leverancier.", 2)],
    ),
    Plan(
        "Naheffing terwijl parkeren betaald was", "parkeren", C.PROCESS, IMP.MEDIUM, 23, 7, ("parkeerboete",),
        "Inwoners krijgen een naheffingsaanslag terwijl ze via de app hadden betaald.",
        "Boete van ruim 70 euro en een bezwaarprocedure.",
        [(ACK, "We onderzoeken de koppeling tussen de scanauto en de app.", 1),
         (PROGRESS, "Oorzaak gevonden; onterechte naheffingen worden ambtshalve vernietigd.", 3)],
    ),
    Plan(
        "Gehandicaptenparkeerkaart: keuring duurt lang", "parkeren", C.PROCESS, IMP.MEDIUM, 2, 2, ("gehandicaptenparkeerkaart",),
        "De medische keuring voor een gehandicaptenparkeerkaart duurt meer dan acht weken.",
    ),
    Plan(
        "KCC-script afvalkalender verouderd", "kcc", C.KNOWLEDGE, IMP.LOW, 15, 4, ("afvalkalender",),
        "Het belscript noemt de oude ophaaldagen voor papier.",
        "",
        [(ACK, "De redactie past het script aan.", 0), (PROGRESS, "In review.", 1),
         (RESOLVE, "Script en kennisartikel bijgewerkt met de nieuwe kalender.", 1)],
        article_keyword="afvalkalender",
    ),
    Plan(
        "Telefooncentrale verbreekt doorverbinding", "kcc", C.SYSTEM, IMP.HIGH, 7, 10, ("rijbewijs", "verhuizing", "afspraak"),
        "Bij doorverbinden naar een afdeling valt het gesprek regelmatig weg.",
        "Inwoners moeten opnieuw bellen en opnieuw in de wachtrij.",
        [(ACK, "Storing gemeld bij de telefonieleverancier.", 0)],
    ),
    Plan(
        "Wmo: inwoners worden niet teruggebeld", "wmo", C.REACHABILITY, IMP.HIGH, 9, 6, ("wmo-hulpmiddel", "huishoudelijke hulp"),
        "Terugbelverzoeken voor Wmo-consulenten worden niet binnen twee werkdagen opgepakt; inwoners bellen opnieuw.",
        "Kwetsbare inwoners wachten op hulp en bellen meerdere keren per week.",
    ),
    Plan(
        "Mantelzorgcompliment: aanvraagperiode onbekend", "wmo", C.KNOWLEDGE, IMP.LOW, 1, 1, ("mantelzorg",),
        "Het KCC weet niet tot wanneer het mantelzorgcompliment kan worden aangevraagd.",
    ),
    Plan(
        "Rijbewijs kwijt: verkeerde info over politieaangifte", "burgerzaken", C.KNOWLEDGE, IMP.MEDIUM, 36, 5, ("rijbewijs",),
        "Het kennisartikel zegt dat aangifte bij de politie nodig is; dat is niet meer zo.",
        "",
        [(ACK, "Klopt, dit is vorig jaar veranderd.", 1), (PROGRESS, "Artikel in bewerking.", 1),
         (RESOLVE, "Kennisartikel aangepast: een verklaring van vermissing bij de gemeente volstaat.", 2)],
        article_keyword="rijbewijs",
    ),
    Plan(
        "Woningaanpassing: aanvraag ligt bij verkeerde afdeling", "wonen", C.PROCESS, IMP.LOW, 19, 2, ("woningaanpassing",),
        "Aanvragen voor woningaanpassing worden naar Wonen doorgezet terwijl Wmo ze behandelt.",
        "",
        [(REJECT, "Niet voor ons: woningaanpassingen vallen onder de Wmo. Graag doorverbinden naar Wmo en Zorg.", 1)],
    ),
    Plan(
        "Stoeptegels: herstel duurt maanden", "openbare-ruimte", C.CONTRACTOR, IMP.MEDIUM, 42, 8, ("stoeptegel",),
        "Losliggende tegels worden pas na maanden hersteld.",
        "Valgevaar voor ouderen.",
        [(ACK, "Hangt samen met de aannemer; zie ook het signaal over afspraken.", 4)],
    ),
]

# Raised as a duplicate of the first plan and merged into it by a team lead.
DUPLICATE_OF = {"Belastingen neemt telefoon niet op": "Belastingen onbereikbaar na aanslagen"}
MERGE_RESPONSE = "Zelfde probleem als het bestaande signaal over de bereikbaarheid van Belastingen."

AGENTS = ["agent", *[f"agent{i}" for i in range(2, 13)]]


def _at(days_ago: int, hour: int, now: datetime) -> datetime:
    day = timezone.localdate(now) - timedelta(days=days_ago)
    moment = timezone.make_aware(datetime.combine(day, time(hour, 0)))
    return min(moment, now - timedelta(minutes=5))


def _department_staff() -> dict[int, dict[str, object]]:
    """department id -> {"bo": first back-office user, "manager": first manager}."""
    staff: dict[int, dict[str, object]] = {}
    for m in Membership.objects.filter(role__in=(Role.BACKOFFICE, Role.MANAGER), user__is_active=True).select_related("user").order_by("user__username"):
        key = "bo" if m.role == Role.BACKOFFICE else "manager"
        staff.setdefault(m.department_id, {}).setdefault(key, m.user)
    return staff


def seed(out) -> None:
    User = get_user_model()
    departments = {d.code: d for d in Department.objects.filter(is_active=True)}
    users = {u.username: u for u in User.objects.filter(username__in=[*AGENTS, "teamleider", "teamleider2"])}
    agents = [users[name] for name in AGENTS if name in users]
    if not agents or not departments:
        out("  signalen: geen KCC-medewerkers of afdelingen; eerst de kern-demodata laden")
        return
    teamlead = users.get("teamleider") or users.get("teamleider2")
    staff = _department_staff()
    rng = random.Random(6)
    now = timezone.now()
    (PLANS,) = profile_data(__name__, "PLANS")  # noqa: N806 - the profile's (demo_data/corporatie.py for a corporation)
    existing = set(Signal.objects.filter(title__in=[p.title for p in PLANS]).values_list("title", flat=True))
    created = []
    for i, plan in enumerate(PLANS):
        department = departments.get(plan.department)
        if department is None or plan.title in existing:
            continue
        created.append(_create(plan, department, agents[i % len(agents)], staff.get(department.pk, {}), teamlead, users, now, rng).pk)
    linked = _link_evidence(agents, departments, now, rng)
    merged = _merge_duplicates(teamlead)
    _outcomes_seen(users.get("agent"), now, created)
    out(f"  signalen: {Signal.objects.count()} ({len(created)} nieuw, {merged} samengevoegd), {linked} klantcontacten gekoppeld")


@transaction.atomic
def _create(plan: Plan, department, raiser, staff, teamlead, users, now, rng) -> Signal:
    raised_at = _at(plan.days_ago, rng.choice([9, 10, 11, 13, 14, 15]), now)
    signal = signal_raise(
        user=raiser, title=plan.title, description=plan.description, category=plan.category, department=department,
        impact=plan.impact, impact_description=plan.residents, raised_at=raised_at, notify=False,
    )
    responder = staff.get("bo") or staff.get("manager") or teamlead
    moment = raised_at
    add_working_days = WorkCalendar().add_working_days
    for status, response, days in plan.steps:
        if responder is None:
            break
        day = add_working_days(timezone.localdate(moment), days)
        step_at = min(timezone.make_aware(datetime.combine(day, time(rng.randint(9, 16), rng.choice([0, 15, 30, 45])))), now - timedelta(minutes=2))
        if step_at <= moment:
            step_at = moment + timedelta(minutes=30)
        if step_at >= now:
            break
        article = _article_for(plan, department) if status == RESOLVE else None
        target = add_working_days(day, 15) if status == ACK else None
        signal_transition(user=responder, signal=signal, to_status=status, response=response, at=step_at, article=article, target_date=target)
        if article is not None:
            _flag_mandatory(responder, article, signal)
        moment = step_at
    comments = []
    for j, (who, text, reply_to) in enumerate(plan.comments):
        author = {"bo": staff.get("bo"), "teamlead": teamlead}.get(who) or users.get(who)
        if author is None:
            continue
        comment = signal_comment_add(user=author, signal=signal, body=text, parent=comments[reply_to] if reply_to is not None and reply_to < len(comments) else None)
        Comment.objects.filter(pk=comment.pk).update(created_at=min(raised_at + timedelta(days=1 + j, hours=j), now))
        comments.append(comment)
    return signal


def _article_for(plan: Plan, department):
    if not plan.article_keyword:
        return None
    from knowledgebase.models import Article

    qs = Article.objects.published().filter(title__icontains=plan.article_keyword)
    own = qs.filter(owner_department=department).order_by("pk").first()
    return own or qs.order_by("pk").first()


def _flag_mandatory(user, article, signal) -> None:
    """Resolved by changing an article: flag it as a mandatory read when the department may."""
    from .services import _require_reading

    try:
        with transaction.atomic():
            _require_reading(user=user, article=article, summary=f"Aangepast na signaal #{signal.pk}: {signal.title}")
    except DomainError:
        return
    Signal.objects.filter(pk=signal.pk).update(resolution_required_reading=True)


def _merge_duplicates(teamlead) -> int:
    if teamlead is None:
        return 0
    merged = 0
    DUPLICATE_OF, MERGE_RESPONSE = profile_data(__name__, "DUPLICATE_OF", "MERGE_RESPONSE")  # noqa: N806
    for source_title, target_title in DUPLICATE_OF.items():
        source = Signal.objects.filter(title=source_title, merged_into__isnull=True).open().first()
        target = Signal.objects.filter(title=target_title).open().first()
        if source and target:
            signal_merge(user=teamlead, source=source, target=target, response=MERGE_RESPONSE)
            merged += 1
    return merged


@transaction.atomic
def _link_evidence(agents, departments, now, rng) -> int:
    """Top up each demo signal's evidence to its planned number with demo contacts of its
    department whose subject matches, raised around the signal's time."""
    from channels.models import Contact

    plans = {p.title: p for p in profile_data(__name__, "PLANS")[0]}
    signals = list(
        Signal.objects.filter(title__in=list(plans), merged_into__isnull=True).select_related("department").order_by("pk")
    )
    if not signals or not Contact.objects.exists():
        return 0
    used = set(Evidence.objects.exclude(contact=None).values_list("contact_id", flat=True))
    counts = dict(Evidence.objects.filter(signal__in=signals).values_list("signal_id").annotate(n=Count("pk")).values_list("signal_id", "n"))
    agent_ids = {a.pk for a in agents}
    evidence, supporters = [], set(Supporter.objects.filter(signal__in=signals).values_list("signal_id", "user_id"))
    new_supporters = []
    for signal in signals:
        plan = plans[signal.title]
        wanted = plan.evidence - counts.get(signal.pk, 0)
        if wanted <= 0:
            continue
        window_start = signal.raised_at - timedelta(days=10)
        window_end = signal.closed_at or now
        qs = Contact.objects.filter(started_at__gte=window_start, started_at__lte=window_end).exclude(pk__in=used)
        department_qs = qs.filter(topic_department=signal.department) if signal.department.code != "kcc" else qs
        matching = []
        for keyword in plan.keywords:
            matching += list(department_qs.filter(subject__icontains=keyword).values_list("pk", "started_at", "assigned_to_id", "closed_by_id")[:wanted * 2])
        if len(matching) < wanted:
            matching += list(department_qs.values_list("pk", "started_at", "assigned_to_id", "closed_by_id")[:wanted * 2])
        seen = set()
        picked = []
        for row in matching:
            if row[0] in seen or row[0] in used:
                continue
            seen.add(row[0])
            picked.append(row)
            if len(picked) == wanted:
                break
        for pk, started_at, assigned_id, closed_id in picked:
            adder = closed_id if closed_id in agent_ids else assigned_id if assigned_id in agent_ids else rng.choice(agents).pk
            added_at = min(max(started_at, signal.raised_at) + timedelta(minutes=rng.randint(5, 240)), window_end, now)
            evidence.append(Evidence(signal=signal, contact_id=pk, added_by_id=adder, added_at=added_at))
            used.add(pk)
            if (signal.pk, adder) not in supporters:
                supporters.add((signal.pk, adder))
                new_supporters.append(Supporter(signal=signal, user_id=adder, since=added_at, seen_at=now if signal.closed_at else None))
    Evidence.objects.bulk_create(evidence, ignore_conflicts=True)
    Supporter.objects.bulk_create(new_supporters, ignore_conflicts=True)
    signal_evidence_recount(signal_ids={e.signal_id for e in evidence})
    return len(evidence)


# Outcomes the demo user "agent" still has to see on the home page; every other outcome was
# seen long ago (a demo with 15 stale notices would not show how the loop feels).
UNSEEN_FOR_DEMO = ("Brief parkeervergunning onduidelijk", "Eigen bijdrage CAK leidt tot veel vragen", "KCC-script afvalkalender verouderd")


def _outcomes_seen(agent, now, created_ids) -> None:
    (UNSEEN_FOR_DEMO,) = profile_data(__name__, "UNSEEN_FOR_DEMO")  # noqa: N806
    closed = Signal.objects.filter(pk__in=created_ids).closed()
    Supporter.objects.filter(signal__in=closed, seen_at__isnull=True).exclude(signal__title__in=UNSEEN_FOR_DEMO).update(seen_at=now)
    if agent is not None:
        for signal in closed.filter(title__in=UNSEEN_FOR_DEMO, merged_into__isnull=True):
            Supporter.objects.update_or_create(signal=signal, user=agent, defaults={"seen_at": None}, create_defaults={"since": signal.raised_at})
