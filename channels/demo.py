"""Demo data for the inbox: 90 days of Dutch contacts across channels, plus a waiting queue.

Mix (matching a typical municipal KCC): about 60% phone, 30% e-mail, 10% social; outcomes about
57% resolved (part of it after consulting a colleague), 29% transferred (1 in 5 of those marked
'niet voor ons' by the receiving department) and 14% callback. Idempotent: history is only
added when it is missing, and the waiting queue is topped up to a handful of items.
Quarantined mails come from the ingestion demo, not from here.
"""

import random
import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import escape

from kcc.core.constants import Role
from kcc.core.demo import profile_data
from kcc.core.models import Customer, Department, Membership

from .constants import SOCIAL_CHANNELS, Channel, ContactStatus, Direction, Outcome
from .models import Contact, ContactArticle, Message, Transfer

DAYS = 90
PER_WORKING_DAY = 55
AGENT_USERNAMES = ["agent", *[f"agent{i}" for i in range(2, 13)]]

# department code -> (weight, [(subject, question), ...])
TOPICS = {
    "burgerzaken": (24, [
        ("Paspoort verlengen", "Mijn paspoort verloopt volgende maand. Moet ik een afspraak maken en wat neem ik mee?"),
        ("Rijbewijs kwijt", "Ik ben mijn rijbewijs verloren. Hoe vraag ik een nieuw rijbewijs aan?"),
        ("Verhuizing doorgeven", "Ik ga verhuizen binnen de gemeente. Hoe geef ik mijn nieuwe adres door?"),
        ("Uittreksel BRP", "Ik heb een uittreksel uit de BRP nodig voor mijn nieuwe werkgever."),
        ("ID-kaart kind", "Mijn dochter heeft een ID-kaart nodig voor de schoolreis. Moet zij mee naar de afspraak?"),
        ("Afspraak verzetten", "Ik kan niet op mijn afspraak bij het loket komen. Kan ik die verzetten?"),
    ]),
    "afval": (16, [
        ("Afvalpas kwijt", "Ik ben mijn afvalpas kwijt en kan de container niet meer openen."),
        ("Grofvuil ophalen", "Ik wil een oude bank laten ophalen. Hoe maak ik een afspraak voor grofvuil?"),
        ("Container niet geleegd", "Mijn groene container is vandaag niet geleegd terwijl hij aan de straat stond."),
        ("Nieuwe container", "Mijn restafvalcontainer is kapot. Krijg ik een nieuwe?"),
        ("Afvalkalender", "Wanneer wordt het papier in mijn wijk opgehaald?"),
    ]),
    "belastingen": (14, [
        ("WOZ-bezwaar", "Ik vind de WOZ-waarde van mijn huis te hoog. Hoe maak ik bezwaar?"),
        ("Aanslag gemeentelijke belastingen", "Ik begrijp mijn aanslag niet. Waarom is de afvalstoffenheffing hoger dan vorig jaar?"),
        ("Kwijtschelding", "Ik heb een laag inkomen. Kan ik kwijtschelding van de gemeentelijke belastingen krijgen?"),
        ("Betalingsregeling", "Kan ik de aanslag in termijnen betalen?"),
        ("Hondenbelasting", "Mijn hond is overleden. Hoe meld ik af voor de hondenbelasting?"),
    ]),
    "parkeren": (9, [
        ("Parkeervergunning", "Ik ben verhuisd naar de binnenstad. Hoe vraag ik een parkeervergunning aan?"),
        ("Bezoekersparkeren", "Hoe meld ik mijn bezoek aan voor de bezoekersregeling?"),
        ("Parkeerboete", "Ik heb een naheffingsaanslag parkeren gekregen terwijl ik had betaald."),
        ("Gehandicaptenparkeerkaart", "Mijn moeder loopt slecht. Hoe vraagt zij een gehandicaptenparkeerkaart aan?"),
    ]),
    "werk-inkomen": (10, [
        ("Bijstand aanvragen", "Ik ben mijn baan kwijt en heb geen inkomen meer. Kan ik bijstand aanvragen?"),
        ("Uitkering niet ontvangen", "Mijn uitkering is deze maand niet op mijn rekening gestort."),
        ("Inlichtingenformulier", "Ik heb een brief gekregen dat ik het inlichtingenformulier moet inleveren. Waar vind ik dat?"),
        ("Bijzondere bijstand", "Mijn wasmachine is kapot en ik kan geen nieuwe betalen. Is daar hulp voor?"),
    ]),
    "wmo": (10, [
        ("Wmo-hulpmiddel", "Mijn vader heeft een rolstoel nodig. Hoe vraagt hij die aan via de Wmo?"),
        ("Huishoudelijke hulp", "Ik kan mijn huis niet meer zelf schoonhouden na mijn operatie. Kan ik hulp krijgen?"),
        ("Woningaanpassing", "Wij hebben een traplift nodig. Betaalt de gemeente mee?"),
        ("Eigen bijdrage Wmo", "Ik heb een rekening van het CAK gekregen voor de eigen bijdrage. Klopt dat?"),
        ("Mantelzorgcompliment", "Hoe vraag ik het mantelzorgcompliment aan?"),
    ]),
    "openbare-ruimte": (8, [
        ("Losliggende stoeptegel", "Er ligt een losse stoeptegel voor mijn deur; mijn buurvrouw is bijna gevallen."),
        ("Straatlantaarn kapot", "De lantaarnpaal in onze straat doet het al een week niet."),
        ("Boom snoeien", "De boom voor mijn huis hangt over de weg. Wanneer wordt die gesnoeid?"),
        ("Zwerfafval", "Bij het speeltuintje ligt veel zwerfafval en glas."),
    ]),
    "vergunningen": (4, [
        ("Dakkapel vergunning", "Heb ik een vergunning nodig voor een dakkapel aan de achterkant?"),
        ("Evenementenvergunning", "Wij willen een straatfeest organiseren. Welke vergunning hebben we nodig?"),
        ("Kapvergunning", "Mag ik de boom in mijn achtertuin kappen?"),
    ]),
    "jeugd": (2, [
        ("Jeugdhulp aanvragen", "Mijn zoon heeft ondersteuning nodig op school. Waar kan ik terecht?"),
        ("Zorgen om een kind", "Ik maak me zorgen over het kind van de buren. Wie kan ik bellen?"),
    ]),
    "wonen": (3, [
        ("Urgentie woning", "Ik moet door mijn scheiding snel een andere woning hebben. Kan ik urgentie aanvragen?"),
        ("Woningzoekende inschrijving", "Hoe schrijf ik mij in als woningzoekende?"),
    ]),
}

TRANSFER_REASONS = [
    "Inwoner wil de specialist spreken over zijn persoonlijke situatie.",
    "Vraag gaat over een lopende aanvraag; alleen de vakafdeling kan de status inzien.",
    "Inhoudelijke vraag, niet te beantwoorden met de kennisbank.",
    "Inwoner is boos en vraagt om een leidinggevende van de afdeling.",
    "Complexe situatie, meerdere regelingen tegelijk.",
]
# Questions agents often take for another department's subject: (department, subject) -> the
# department they then pick as topic and transfer to, which marks them "niet voor ons". Most
# misroutes in practice are such systematic confusions, not random slips; transfer advice
# (channels/advice.py) learns them from the history (bench/advice.py measures it).
CONFUSIONS = {
    ("openbare-ruimte", "Zwerfafval"): "afval",
    ("belastingen", "Aanslag gemeentelijke belastingen"): "afval",
    ("vergunningen", "Kapvergunning"): "openbare-ruimte",
    ("wmo", "Eigen bijdrage Wmo"): "belastingen",
    ("wmo", "Woningaanpassing"): "wonen",
    ("parkeren", "Parkeerboete"): "belastingen",
    ("burgerzaken", "Verhuizing doorgeven"): "wonen",
    ("werk-inkomen", "Bijzondere bijstand"): "wmo",
}
CONFUSION_SHARE = 0.6
RANDOM_MISROUTE_SHARE = 0.07
NOT_FOR_US_NOTES = [
    "Dit gaat over een aanslag, niet over een vergunning.",
    "Hoort bij Burgerzaken (adreswijziging).",
    "Dit is een melding openbare ruimte.",
    "Valt onder de Wmo, niet onder Werk en Inkomen.",
    "",
]
EMAIL_GREETINGS = ["Geachte heer/mevrouw,", "Beste medewerker,", "Goedemiddag,", "Hallo,", "Beste gemeente,"]
EMAIL_CLOSINGS = ["Met vriendelijke groet,", "Groeten,", "Alvast bedankt,", "Vriendelijke groet,"]
ANONYMOUS_MAILBOX = "inwoner"
REPLY_TEXT = "Dank voor uw bericht. Op onze website vindt u hoe u dit regelt. Komt u er niet uit, bel dan 14 020."


def _data(*names):
    """The profile's subjects and wording: this module's (the municipality) or, for
    KCC_ORGANISATION_KIND=woningcorporatie, those of demo_data/corporatie.py. Same seeder."""
    return profile_data(__name__, *names)


def _working_day(day) -> bool:
    return day.weekday() < 5


def _channel(rng) -> str:
    r = rng.random()
    if r < 0.60:
        return Channel.PHONE
    if r < 0.90:
        return Channel.EMAIL
    return rng.choices([Channel.WHATSAPP, Channel.FACEBOOK, Channel.INSTAGRAM, Channel.X], weights=[6, 2, 1, 1])[0]


def _outcome(rng) -> str:
    r = rng.random()
    if r < 0.47:
        return Outcome.RESOLVED
    if r < 0.57:
        return Outcome.RESOLVED_AFTER_CONSULT
    if r < 0.86:
        return Outcome.TRANSFERRED
    return Outcome.CALLBACK


def _handle_minutes(rng, channel) -> float:
    base = 4.5 if channel == Channel.PHONE else 9.0
    return max(0.7, min(45.0, rng.lognormvariate(0, 0.55) * base))


def _email_body(rng, question, customer) -> str:
    EMAIL_GREETINGS, EMAIL_CLOSINGS = _data("EMAIL_GREETINGS", "EMAIL_CLOSINGS")  # noqa: N806 - the profile's
    name = customer.full_name if customer else rng.choice(["A. de Boer", "M. Yilmaz", "P. Jansen", "S. El Idrissi", "K. van Leeuwen"])
    return f"{rng.choice(EMAIL_GREETINGS)}\n\n{question}\n\n{rng.choice(EMAIL_CLOSINGS)}\n{name}"


def _email_address(customer, rng) -> str:
    if customer is not None:
        for a in customer.addresses.all():
            if a.kind == "email":
                return a.value
    return f"{_data('ANONYMOUS_MAILBOX')[0]}{rng.randint(100, 9999)}@voorbeeldmail.nl"


def seed(out) -> None:
    departments = {d.code: d for d in Department.objects.filter(is_active=True)}
    User = get_user_model()
    agents = list(User.objects.filter(username__in=AGENT_USERNAMES).order_by("username"))
    if not agents or not departments:
        out("  inbox: geen medewerkers of afdelingen; eerst de kern-demodata laden")
        return
    customers = list(Customer.objects.active().prefetch_related("addresses").order_by("pk")[:2000])
    backoffice = {}
    for m in Membership.objects.filter(role__in=(Role.BACKOFFICE, Role.MANAGER)).select_related("user").order_by("role", "user__username"):
        backoffice.setdefault(m.department_id, m.user)
    rng = random.Random(3)
    now = timezone.now()
    if Contact.objects.filter(started_at__lt=now - timedelta(days=2)).count() >= 1000:
        out(f"  klantcontacten: {Contact.objects.count()} (al aanwezig)")
    else:
        _seed_history(out, rng, now, departments, agents, customers, backoffice)
    _seed_queue(out, rng, now, departments, agents, customers)

    from .demo_ingestion import seed as seed_quarantine
    from .demo_webform import seed as seed_webforms

    seed_quarantine(out)
    seed_webforms(out)


@transaction.atomic
def _seed_history(out, rng, now, departments, agents, customers, backoffice) -> None:
    TOPICS, TRANSFER_REASONS, NOT_FOR_US_NOTES, REPLY_TEXT = _data("TOPICS", "TRANSFER_REASONS", "NOT_FOR_US_NOTES", "REPLY_TEXT")  # noqa: N806
    tz = timezone.get_current_timezone()
    topic_codes = [c for c in TOPICS if c in departments]
    weights = [TOPICS[c][0] for c in topic_codes]
    contacts, plans = [], []
    today = timezone.localdate()
    for offset in range(DAYS, 0, -1):
        day = today - timedelta(days=offset)
        count = int(PER_WORKING_DAY * rng.uniform(0.8, 1.2)) if _working_day(day) else rng.randint(2, 6)
        if day.weekday() == 0:
            count = int(count * 1.25)  # Mondays are busy
        for _ in range(count):
            channel = _channel(rng) if _working_day(day) else rng.choice([Channel.EMAIL, Channel.EMAIL, Channel.WHATSAPP])
            code = rng.choices(topic_codes, weights=weights)[0]
            subject, question = rng.choice(TOPICS[code][1])
            if channel == Channel.PHONE:
                start_clock = time(8, 30)
                seconds = rng.randint(0, int(8.5 * 3600))
            else:
                start_clock = time(0, 0)
                seconds = rng.randint(6 * 3600, 23 * 3600)
            started = datetime.combine(day, start_clock, tzinfo=tz) + timedelta(seconds=seconds)
            wait = timedelta(seconds=rng.randint(15, 240)) if channel == Channel.PHONE else timedelta(minutes=rng.randint(20, 60 * 20))
            answered = started + wait
            ended = answered + timedelta(minutes=_handle_minutes(rng, channel))
            customer = None
            anon_share = 0.35 if channel == Channel.PHONE else 0.15
            if customers and rng.random() > anon_share:
                customer = rng.choice(customers)
            outcome = _outcome(rng)
            topic = code
            wrong = CONFUSIONS.get((code, subject))
            if outcome == Outcome.TRANSFERRED and wrong in departments and rng.random() < CONFUSION_SHARE:
                topic = wrong  # the agent took it for the other department's subject
            agent = rng.choice(agents)
            caller = ""
            if channel == Channel.PHONE:
                phones = [a.value for a in customer.addresses.all() if a.kind == "phone"] if customer else []
                caller = phones[0] if phones and rng.random() < 0.9 else f"+316{rng.randint(10000000, 99999999)}"
            contacts.append(
                Contact(
                    channel=channel, direction=Direction.INBOUND, customer=customer, subject=subject, question=question,
                    topic_department=departments[topic], status=ContactStatus.CLOSED, assigned_to=agent, claimed_at=answered,
                    started_at=started, answered_at=answered, ended_at=ended, outcome=outcome, closed_by=agent,
                    conversation_key=uuid.uuid4(), caller_address=caller,
                    notes="Ruggespraak met collega gehouden." if outcome == Outcome.RESOLVED_AFTER_CONSULT else "",
                )
            )
            plans.append((code, topic))
    created = Contact.objects.bulk_create(contacts, batch_size=500)
    if not created or created[0].pk is None:  # backends without RETURNING
        created = list(Contact.objects.order_by("-pk")[: len(contacts)])[::-1]

    messages, transfers = [], []
    other_codes = [c for c in departments if c != "kcc"]
    for contact, (code, topic) in zip(created, plans, strict=True):
        if contact.channel == Channel.EMAIL or contact.channel in SOCIAL_CHANNELS:
            is_mail = contact.channel == Channel.EMAIL
            sender = _email_address(contact.customer, rng) if is_mail else f"+316{rng.randint(10000000, 99999999)}"
            messages.append(
                Message(
                    contact=contact, direction=Direction.INBOUND, channel=contact.channel,
                    sender=f"{contact.customer.full_name} <{sender}>" if is_mail and contact.customer else sender,
                    sender_address=sender, recipients="kcc@voorbeeldstad.example" if is_mail else "",
                    subject=contact.subject if is_mail else "",
                    message_id=f"<demo-{uuid.uuid4().hex}@voorbeeldmail.nl>" if is_mail else "",
                    provider_message_id="" if is_mail else f"demo.{uuid.uuid4().hex[:20]}",
                    body_text=_email_body(rng, contact.question, contact.customer) if is_mail else contact.question,
                    sent_at=contact.started_at, read_at=contact.answered_at,
                )
            )
            if contact.outcome in (Outcome.RESOLVED, Outcome.RESOLVED_AFTER_CONSULT):
                messages.append(
                    Message(
                        contact=contact, direction=Direction.OUTBOUND, channel=contact.channel, sender=f"KCC {settings.KCC_ORGANISATION_NAME}",
                        sender_address="kcc@voorbeeldstad.example" if is_mail else "", recipients=sender,
                        subject=f"Re: {contact.subject} [KCC-{contact.pk}]" if is_mail else "",
                        message_id=f"<demo-{uuid.uuid4().hex}@voorbeeldstad.example>" if is_mail else "",
                        body_text=REPLY_TEXT,
                        sent_at=contact.ended_at, author=contact.closed_by, delivery_status="sent",
                    )
                )
        if contact.outcome == Outcome.TRANSFERRED and code in departments:
            transfer = Transfer(contact=contact, from_user=contact.closed_by, to_department=departments[code], reason=rng.choice(TRANSFER_REASONS))
            confused = topic != code
            if confused or rng.random() < RANDOM_MISROUTE_SHARE:
                wrong = [topic] if confused else [c for c in other_codes if c != code]
                if wrong:
                    # The agent picked the wrong department; the receiving one says where it belonged.
                    transfer.to_department = departments[rng.choice(wrong)]
                    transfer.correct_department = departments[code]
                    transfer.not_for_us_at = contact.ended_at + timedelta(minutes=rng.randint(3, 240))
                    transfer.not_for_us_by = backoffice.get(transfer.to_department_id)
                    transfer.not_for_us_note = rng.choice(NOT_FOR_US_NOTES)
            transfers.append(transfer)
    Message.objects.bulk_create(messages, batch_size=1000)
    Transfer.objects.bulk_create(transfers, batch_size=1000)
    ended = Contact.objects.filter(pk=OuterRef("contact_id")).values("ended_at")[:1]
    Transfer.objects.filter(contact__in=created).update(created_at=Subquery(ended))
    links = _seed_article_links(rng, created)
    out(f"  klantcontacten: {len(created)} nieuw, {len(messages)} berichten, {len(transfers)} doorverbindingen, {links} kennisartikelkoppelingen")


def _seed_article_links(rng, contacts) -> int:
    """About 40% of the resolved contacts used a published article of their department."""
    try:
        from knowledgebase.models import Article

        published = list(Article.objects.filter(status="published").values_list("pk", "owner_department_id"))
    except Exception:  # noqa: BLE001 - the knowledge base may not be seeded (or built) yet
        return 0
    by_dep: dict[int, list[int]] = {}
    for pk, dep in published:
        by_dep.setdefault(dep, []).append(pk)
    links = []
    for c in contacts:
        if c.outcome in (Outcome.RESOLVED, Outcome.RESOLVED_AFTER_CONSULT) and by_dep.get(c.topic_department_id) and rng.random() < 0.4:
            links.append(ContactArticle(contact=c, article_id=rng.choice(by_dep[c.topic_department_id]), marked_by=c.closed_by))
    ContactArticle.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
    marked = Contact.objects.filter(pk=OuterRef("contact_id")).values("ended_at")[:1]
    ContactArticle.objects.filter(contact__in=contacts).update(created_at=Subquery(marked))
    return len(links)


@transaction.atomic
def _seed_queue(out, rng, now, departments, agents, customers) -> None:
    """Unread e-mails and social messages waiting in the inbox, and a few being worked on."""
    (TOPICS,) = _data("TOPICS")  # noqa: N806
    waiting = Contact.objects.open().count()
    if waiting >= 15:
        out(f"  werkvoorraad: {waiting} open (al aanwezig)")
        return
    topic_codes = [c for c in TOPICS if c in departments]
    made = 0
    for i in range(24 - waiting):
        channel = Channel.EMAIL if i % 3 else rng.choice([Channel.WHATSAPP, Channel.FACEBOOK, Channel.WHATSAPP])
        code = rng.choice(topic_codes)
        subject, question = rng.choice(TOPICS[code][1])
        started = now - timedelta(minutes=rng.randint(5, 60 * 52))
        customer = rng.choice(customers) if customers and rng.random() < 0.6 else None
        claimed = i % 6 == 0
        agent = rng.choice(agents) if claimed else None
        contact = Contact.objects.create(
            channel=channel, direction=Direction.INBOUND, customer=customer, subject=subject, question="",
            status=ContactStatus.OPEN if claimed else ContactStatus.NEW, assigned_to=agent,
            claimed_at=now if claimed else None, answered_at=now if claimed else None, started_at=started,
            external_id=f"demo-conv-{uuid.uuid4().hex[:12]}" if channel != Channel.EMAIL else "",
        )
        is_mail = channel == Channel.EMAIL
        sender = _email_address(customer, rng) if is_mail else f"+316{rng.randint(10000000, 99999999)}"
        Message.objects.create(
            contact=contact, direction=Direction.INBOUND, channel=channel,
            sender=f"{customer.full_name} <{sender}>" if is_mail and customer else sender, sender_address=sender,
            recipients="kcc@voorbeeldstad.example" if is_mail else "", subject=subject if is_mail else "",
            message_id=f"<demo-{uuid.uuid4().hex}@voorbeeldmail.nl>" if is_mail else "",
            provider_message_id="" if is_mail else f"demo.{uuid.uuid4().hex[:20]}",
            body_text=_email_body(rng, question, customer) if is_mail else question,
            body_html=f"<p>{linebreaksbr(escape(_email_body(rng, question, customer)))}</p>" if is_mail and rng.random() < 0.5 else "",
            sent_at=started,
        )
        made += 1
    out(f"  werkvoorraad: {made} wachtende berichten toegevoegd")
