"""Demo data for the knowledge base: about 150 Dutch articles across the departments, some
with several versions and a mandatory-read change, feedback, and a 'wie doet wat' guide for
every department. Idempotent: only what is missing is created.

Articles are generated from compact topic tables per department, so that each reads like a
real KCC answer: the question, the answer in steps, costs and lead time, and what to watch.
Under the housing-corporation profile the articles, the maintenance ABC, the guides, versions and
feedback come from demo_data/corporatie.yaml instead (125 articles).
"""

import random
from datetime import timedelta
from functools import cache
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kcc.core.models import Department
from kcc.core.terminology import is_corporation

from .constants import ArticleStatus, Audience, FeedbackKind
from .models import Article, ArticleFeedback, ArticleVersion, DepartmentGuide, ReadReceipt
from .services import article_create, article_publish, article_require_reading, feedback_respond

# --- generated variants ----------------------------------------------------------------

DOCUMENTS = [
    # name, article ("het"/"de"), leges adult, leges child, validity
    ("paspoort", "een", "€ 84,35", "€ 64,35", "10 jaar (kinderen tot 18 jaar: 5 jaar)"),
    ("ID-kaart", "een", "€ 77,20", "€ 43,75", "10 jaar (kinderen tot 18 jaar: 5 jaar)"),
]


def _document_topics() -> list[dict]:
    topics = []
    for doc, _art, adult, child, valid in DOCUMENTS:
        syn = "reisdocument, identiteitsbewijs" + (", pas, reispas" if doc == "paspoort" else ", identiteitskaart, id kaart")
        topics += [
            {
                "title": f"{doc[0].upper() + doc[1:]} aanvragen",
                "question": f"Hoe vraag ik een {doc} aan?",
                "body": (
                    f"Een {doc} vraagt de inwoner **persoonlijk** aan bij de balie van Burgerzaken, **op afspraak**.\n\n"
                    "## Wat neemt de inwoner mee\n\n"
                    "- het oude reisdocument (ook als het verlopen is);\n"
                    "- één recente pasfoto die voldoet aan de fotomatrix;\n"
                    "- bij een kind: beide ouders geven toestemming.\n\n"
                    f"## Kosten en geldigheid\n\n- Volwassene: {adult}\n- Kind tot 18 jaar: {child}\n- Geldig: {valid}\n\n"
                    "Het document is na **5 werkdagen** op te halen. Ophalen kan alleen door de aanvrager zelf "
                    "(kinderen onder 12 jaar: een ouder)."
                ),
                "synonyms": syn, "tags": "reisdocumenten", "audience": Audience.PUBLIC,
            },
            {
                "title": f"{doc[0].upper() + doc[1:]} verlengen",
                "question": f"Mijn {doc} is (bijna) verlopen. Kan ik hem verlengen?",
                "body": (
                    f"Een {doc} kan **niet verlengd** worden. De inwoner vraagt een nieuwe {doc} aan, op afspraak.\n\n"
                    "Tip voor de inwoner: maak de afspraak ruim voor een reis, in het voorjaar is het druk. "
                    f"Zie het artikel over {doc} aanvragen voor kosten en wat mee te nemen."
                ),
                "synonyms": syn + ", vernieuwen, verlopen", "tags": "reisdocumenten", "audience": Audience.PUBLIC,
            },
            {
                "title": f"{doc[0].upper() + doc[1:]} kwijt of gestolen",
                "question": f"Ik ben mijn {doc} kwijt. Wat moet ik doen?",
                "body": (
                    f"1. Bij **diefstal**: aangifte bij de politie. Bij **verlies**: de inwoner meldt de vermissing aan de balie.\n"
                    f"2. De inwoner maakt een afspraak om een nieuwe {doc} aan te vragen en vult daar de verklaring van vermissing in.\n"
                    "3. Kwijt in het buitenland: melden bij de lokale politie en de Nederlandse ambassade.\n\n"
                    "**Let op:** een vermist document wordt direct ongeldig, ook als het later terug wordt gevonden."
                ),
                "synonyms": syn + ", verloren, vermist, diefstal", "tags": "reisdocumenten", "audience": Audience.PUBLIC,
            },
            {
                "title": f"Spoedaanvraag {doc}",
                "question": f"Ik moet over twee dagen op reis en heb geen geldige {doc}.",
                "body": (
                    f"Met een spoedaanvraag is de {doc} de **volgende werkdag** na 16:00 uur klaar. "
                    "De spoedtoeslag is € 58,20 bovenop de gewone leges.\n\n"
                    "Spoedaanvragen alleen op afspraak in de ochtend. Is het te laat: de Koninklijke Marechaussee "
                    "op Schiphol geeft een noodpaspoort af."
                ),
                "synonyms": "spoed, snel, noodpaspoort, " + syn, "tags": "reisdocumenten, spoed", "audience": Audience.PUBLIC,
            },
            {
                "title": f"{doc[0].upper() + doc[1:]} ophalen",
                "question": f"Wanneer en hoe kan ik mijn {doc} ophalen?",
                "body": (
                    f"De inwoner krijgt een sms of e-mail zodra de {doc} klaarligt. Ophalen binnen 3 maanden, zonder afspraak, "
                    "tijdens de openingstijden van de balie. Het oude document wordt dan ongeldig gemaakt.\n\n"
                    "Machtigen om op te halen kan alleen bij de aanvraag zelf."
                ),
                "synonyms": syn + ", afhalen, klaar", "tags": "reisdocumenten", "audience": Audience.PUBLIC,
            },
        ]
    return topics


def _topic(title, question, body, synonyms="", tags="", audience=Audience.PUBLIC):
    return {"title": title, "question": question, "body": body, "synonyms": synonyms, "tags": tags, "audience": audience}


# Openbare ruimte: one article per kind of report, from one template.
REPORT_KINDS = [
    # subject, resident's words, term, synonyms, urgent
    ("Verkeersbord scheef of kapot", "Het verkeersbord op de hoek is omgereden.", "5 werkdagen", "verkeersbord, bord, paal", True),
    ("Bankje in het park kapot", "Het bankje bij de vijver is kapot.", "10 werkdagen", "bank, bankje, zitbank, park", False),
    ("Fietswrak verwijderen", "Er staat al maanden een kapotte fiets tegen het hek.", "4 weken (eerst label)", "fietswrak, weesfiets, fiets", False),
    ("Hondenpoep en hondenuitlaatplek", "Het grasveld ligt vol hondenpoep.", "10 werkdagen", "hondenpoep, uitlaatplek, honden", False),
    ("Onkruid op stoep of straat", "Het onkruid groeit tussen de tegels.", "volgens het maaischema", "onkruid, gras, stoep", False),
    ("Verkeerslicht defect", "Het stoplicht bij het kruispunt staat op oranje knipperen.", "24 uur", "verkeerslicht, stoplicht, kruispunt", True),
    ("Verzakte weg of stoep", "Er zit een kuil in het fietspad.", "5 werkdagen, bij gevaar direct", "verzakking, kuil, gat, fietspad", True),
    ("Overhangende heg of beplanting", "De heg van de buren hangt over de stoep.", "6 weken (eigenaar krijgt een brief)", "heg, struik, overhangend, beplanting", False),
    ("Putdeksel kapot of los", "Er klappert een putdeksel op de weg.", "24 uur", "putdeksel, rioolput, deksel", True),
    ("Wespennest of bijenzwerm", "Er zit een wespennest in de boom op het plein.", "2 werkdagen (alleen openbare ruimte)", "wespen, wespennest, bijen, zwerm", False),
]


def _report_topics() -> list[dict]:
    topics = []
    for subject, words, term, synonyms, urgent in REPORT_KINDS:
        body = (
            f"Het KCC maakt een melding '{subject.lower()}' in het meldingensysteem, of de inwoner meldt online.\n\n"
            f"- Vraag naar de precieze locatie en of er een foto is.\n- Afhandeltermijn: {term}.\n"
        )
        if urgent:
            body += "- **Gevaar voor verkeer of voetgangers:** direct doorverbinden met Openbare Ruimte.\n"
        topics.append(_topic(f"Melding: {subject.lower()}", words, body, synonyms + ", melding, mor", "meldingen"))
    return topics


EXTRA_TOPICS: dict[str, list[dict]] = {
    "burgerzaken": [
        _topic("Paspoort aanvragen voor een kind", "Mijn dochter van 8 heeft een paspoort nodig.",
               "Het kind komt **zelf mee** naar de afspraak. Beide ouders met gezag geven toestemming (formulier of samen aan de balie). "
               "Leges € 64,35, geldig 5 jaar.", "kinderpaspoort, paspoort kind, toestemming ouders, reisdocument", "reisdocumenten"),
        _topic("ID-kaart aanvragen voor een kind", "Heeft mijn baby een ID-kaart nodig?",
               "Kinderen hebben geen identificatieplicht onder 14 jaar, maar voor reizen binnen de EU is een ID-kaart handig. "
               "Een pasfoto van een baby mag met open mond.", "id-kaart kind, identiteitskaart baby, reisdocument", "reisdocumenten"),
        _topic("Tweede paspoort aanvragen", "Ik reis veel en wil een tweede paspoort.",
               "Een tweede paspoort kan bij zakenreizen of visumaanvragen, met een verklaring van de werkgever. Geldig 2 jaar.", "tweede paspoort, zakelijk reizen, visum", "reisdocumenten", Audience.INTERNAL),
        _topic("Inwoning: bij iemand intrekken", "Ik ga bij mijn vriend wonen. Wat moet ik doen?",
               "Een verhuizing doorgeven met een **toestemmingsverklaring** van de hoofdbewoner en een kopie van diens ID.", "inwonen, samenwonen, intrekken, hoofdbewoner", "verhuizen, brp"),
    ],
    "belastingen": [
        _topic("Bezwaar tegen de afvalstoffenheffing", "Ik woon alleen maar betaal voor een meerpersoonshuishouden.",
               "Bezwaar binnen 6 weken. Het tarief hangt af van het aantal bewoners op 1 januari volgens de BRP.", "afvalstoffenheffing, bezwaar, eenpersoonshuishouden, tarief", "bezwaar, aanslag"),
        _topic("Bezwaar tegen de rioolheffing", "Waarom betaal ik rioolheffing als huurder?",
               "Rioolheffing betaalt de gebruiker van een woning. Bezwaar binnen 6 weken, alleen bij een onjuist aantal bewoners of verkeerde gebruiker.", "rioolheffing, bezwaar, gebruiker, huurder", "bezwaar, aanslag"),
        _topic("OZB voor bedrijfspanden", "Hoe wordt de OZB voor mijn bedrijfspand berekend?",
               "Eigenaren én gebruikers van niet-woningen betalen OZB, berekend over de WOZ-waarde. Tarief 2026: 0,2931% (eigenaar).", "ozb bedrijven, onroerendezaakbelasting, bedrijfspand, niet-woning", "ondernemers, aanslag"),
    ],
    "afval": [
        _topic("Wat mag bij het gft-afval", "Mogen etensresten bij het gft?",
               "Ja: groente-, fruit- en tuinafval, etensresten, koffiedik en theezakjes. Niet: zand, kattenbakkorrels, luiers.", "gft, groente fruit tuin, etensresten, compost", "scheiden"),
        _topic("Wat mag bij plastic, metaal en drankpakken (pmd)", "Mag een chipszak bij het plastic?",
               "Ja, verpakkingen van plastic, blik en drankpakken. Leeg en los in de zak. Geen speelgoed of tuinslangen.", "pmd, plastic, blik, drankpakken, chipszak", "scheiden"),
        _topic("Textiel inleveren", "Waar laat ik oude kleding?",
               "In de textielcontainers in de wijk of bij de milieustraat, in een dichte zak. Ook kapot textiel.", "kleding, textiel, schoenen, lappen", "scheiden"),
        _topic("Luiers en incontinentiemateriaal", "Ik heb veel luiers. Is er een aparte inzameling?",
               "Luiers gaan bij het restafval. Wie door incontinentie veel afval heeft, kan een gratis extra restafvalcontainer aanvragen.", "luiers, incontinentie, restafval, extra container", "scheiden, containers"),
    ],
    "werk-inkomen": [
        _topic("Kostendelersnorm in de bijstand", "Mijn zoon komt weer thuis wonen. Wat betekent dat voor mijn uitkering?",
               "Woont er iemand van 27 jaar of ouder in huis, dan geldt de kostendelersnorm en wordt de uitkering lager. Doorgeven binnen 1 week.", "kostendelersnorm, inwonend kind, samenwonen, lagere uitkering", "bijstand"),
        _topic("Op vakantie met een bijstandsuitkering", "Mag ik op vakantie als ik bijstand heb?",
               "Maximaal 4 weken per jaar naar het buitenland, **vooraf melden**. Wie niet meldt, riskeert stopzetting over die periode.", "vakantie, buitenland, bijstand, melden", "bijstand"),
    ],
    "wmo": [
        _topic("Hulp bij eenzaamheid", "Mijn moeder is erg eenzaam. Is er iets in de buurt?",
               "Verwijs naar de welzijnsorganisatie (buurtcirkels, maatjesproject). Geen Wmo-melding nodig.", "eenzaamheid, alleen, maatje, welzijn", "welzijn"),
        _topic("Respijtzorg voor mantelzorgers", "Ik zorg voor mijn partner en ben uitgeput.",
               "Respijtzorg (logeeropvang, vervangende zorg thuis) via een Wmo-melding; het steunpunt mantelzorg adviseert gratis.", "respijtzorg, overbelast, mantelzorg, logeeropvang", "mantelzorg"),
        _topic("Beschermd wonen", "Mijn broer heeft psychische problemen en kan niet zelfstandig wonen.",
               "Beschermd wonen gaat via de centrumgemeente; het KCC maakt een terugbelverzoek voor de Wmo-consulent.", "beschermd wonen, ggz, psychische problemen, begeleid wonen", "wmo-melding", Audience.INTERNAL),
    ],
    "parkeren": [
        _topic("Parkeervergunning opzeggen", "Ik heb geen auto meer. Hoe zeg ik mijn vergunning op?",
               "Online opzeggen; het teveel betaalde bedrag wordt per maand terugbetaald.", "opzeggen, vergunning stoppen, auto verkocht", "vergunning"),
        _topic("Parkeervergunning bij verhuizing", "Ik verhuis binnen het centrum. Houd ik mijn vergunning?",
               "Na de verhuismelding vervalt de vergunning. Voor het nieuwe adres een nieuwe aanvragen; binnen dezelfde zone zonder wachtlijst.", "verhuizen, parkeervergunning, nieuw adres", "vergunning, verhuizen"),
    ],
    "vergunningen": [
        _topic("Zonnepanelen plaatsen", "Heb ik een vergunning nodig voor zonnepanelen?",
               "Op een schuin dak meestal niet. Bij een monument of in beschermd stadsgezicht wel. Altijd de vergunningcheck.", "zonnepanelen, zonne-energie, dak, monument", "bouwen, duurzaamheid"),
        _topic("Schutting of erfafscheiding plaatsen", "Mag ik een schutting van 2 meter plaatsen?",
               "Achter de voorgevel tot 2 meter vergunningvrij; voor de voorgevel maximaal 1 meter.", "schutting, erfafscheiding, hek, tuin", "bouwen"),
        _topic("Warmtepomp of airco buiten plaatsen", "Mag ik een buitenunit van een warmtepomp ophangen?",
               "Vergunningvrij aan de achterkant; let op de geluidsnorm (40 dB op de erfgrens).", "warmtepomp, airco, buitenunit, geluid", "bouwen, duurzaamheid"),
    ],
    "jeugd": [
        _topic("Jongerenwerk en activiteiten", "Is er iets te doen voor jongeren in mijn wijk?",
               "Het jongerenwerk organiseert activiteiten in de buurthuizen; informatie via de welzijnsorganisatie.", "jongeren, jongerenwerk, buurthuis, activiteiten", "welzijn"),
    ],
    "wonen": [
        _topic("Mantelzorgwoning plaatsen", "Mag mijn moeder in een woning in onze tuin komen wonen?",
               "Een mantelzorgwoning bij het huis is vergunningvrij zolang er mantelzorg nodig is (verklaring van huisarts of wijkverpleging).", "mantelzorgwoning, tuinhuis, kangoeroewoning", "mantelzorg, bouwen"),
        _topic("Tijdelijke verhuur van mijn woning", "Ik ga een jaar naar het buitenland. Mag ik mijn huis verhuren?",
               "Tijdelijke verhuur kan met een huurcontract voor bepaalde tijd; voor vakantieverhuur geldt een registratieplicht.", "tijdelijke verhuur, onderverhuur, vakantieverhuur", "huren"),
    ],
    "kcc": [
        _topic("E-mail beantwoorden: standaardteksten", "Welke aanhef en afsluiting gebruik ik in een e-mail?",
               "Aanhef 'Beste [naam]', afsluiting 'Met vriendelijke groet, KCC Gemeente Voorbeeldstad'. B1-taalniveau, geen vakjargon.", "e-mail, standaardtekst, schrijfwijzer, aanhef", "werkinstructie", Audience.INTERNAL),
        _topic("Berichten via social media", "Een inwoner stelt een vraag via WhatsApp. Hoe reageer ik?",
               "Binnen 4 uur reageren tijdens kantooruren. Geen persoonsgegevens vragen in een openbaar bericht; verplaats naar een privébericht.", "whatsapp, facebook, instagram, social media, webcare", "werkinstructie", Audience.INTERNAL),
        _topic("Kennisgat: geen artikel gevonden", "Ik kon een vraag niet beantwoorden met de kennisbank.",
               "Sluit het klantcontact af zonder artikel; de redactie ziet het in de lijst 'Kennisgaten'. Geef via 'Feedback' aan wat er ontbreekt.", "kennisgat, geen artikel, ontbreekt, redactie", "werkinstructie", Audience.INTERNAL),
    ],
}


TOPICS: dict[str, list[dict]] = {
    "burgerzaken": [
        _topic("Verhuizing doorgeven", "Ik ga verhuizen. Hoe geef ik mijn nieuwe adres door?",
               "De inwoner geeft de verhuizing **online door met DigiD**, uiterlijk 5 werkdagen na de verhuisdatum (kan vanaf 4 weken ervoor).\n\n"
               "- Verhuizen binnen de gemeente en van buiten de gemeente naar hier: hetzelfde formulier.\n"
               "- Zonder DigiD: op afspraak aan de balie, met een geldig identiteitsbewijs en huurcontract of koopakte.\n"
               "- Gezinsleden die meeverhuizen kunnen in één keer worden meegenomen (vanaf 16 jaar tekenen ze zelf).\n\n"
               "De gemeente geeft het nieuwe adres door aan Belastingdienst, zorgverzekeraar en andere overheden.",
               "verhuizen, adreswijziging, nieuw adres, inschrijven, adres doorgeven, verhuisd", "verhuizen, brp"),
        _topic("Verhuizen naar het buitenland (emigratie)", "Ik vertrek naar het buitenland. Moet ik dat melden?",
               "Wie langer dan 8 maanden in het buitenland gaat wonen, meldt het vertrek **uiterlijk 5 dagen voor vertrek**, online of aan de balie. "
               "De inwoner krijgt een bewijs van uitschrijving.", "emigreren, emigratie, vertrek, uitschrijven, buitenland", "verhuizen, brp"),
        _topic("Uittreksel BRP aanvragen", "Ik heb een uittreksel uit de basisregistratie nodig.",
               "Online met DigiD (€ 16,45) of aan de balie. Het uittreksel wordt binnen 3 werkdagen per post verstuurd. "
               "Een **internationaal** uittreksel is meertalig.", "uittreksel, bewijs van inschrijving, gba, brp", "brp"),
        _topic("Geboorteaangifte doen", "Ons kind is geboren. Hoe doen we aangifte?",
               "Aangifte binnen **3 dagen** na de geboorte, online met DigiD van een ouder of op afspraak. "
               "Bij ongehuwde ouders: erkenning vóór de geboorte regelen.", "geboorte, aangifte geboorte, baby, erkenning", "burgerlijke stand"),
        _topic("Trouwen of geregistreerd partnerschap", "Wij willen trouwen. Hoe regelen we dat?",
               "Eerst een **melding voorgenomen huwelijk** doen (online), minimaal 2 weken en maximaal 1 jaar voor de datum. "
               "Daarna de datum en locatie reserveren bij de burgerlijke stand.", "trouwen, huwelijk, partnerschap, samenwonen", "burgerlijke stand"),
        _topic("Aangifte van overlijden", "Mijn vader is overleden. Wat moet ik regelen bij de gemeente?",
               "De **uitvaartondernemer** doet meestal de aangifte van overlijden. Nabestaanden krijgen een akte van overlijden op verzoek. "
               "Wees rustig en empathisch aan de telefoon; verwijs voor nalatenschap naar de notaris.", "overlijden, overleden, sterfgeval, akte van overlijden", "burgerlijke stand"),
        _topic("Verklaring Omtrent het Gedrag (VOG)", "Mijn werkgever vraagt een VOG. Waar vraag ik die aan?",
               "Meestal start de **werkgever** de aanvraag online bij Justis; de inwoner rondt af met DigiD. "
               "Aan de balie kan ook (€ 41,35). Doorlooptijd ongeveer 4 weken.", "vog, verklaring goed gedrag, justis", "documenten"),
        _topic("Afspraak maken bij de balie Burgerzaken", "Hoe maak ik een afspraak bij het gemeentehuis?",
               "Online via de website of via het KCC in de afsprakenmodule. Donderdagavond tot 20:00 uur alleen op afspraak. "
               "Afspraak annuleren kan via de link in de bevestiging.", "afspraak, balie, gemeentehuis, loket", "afspraken"),
        _topic("Naamgebruik wijzigen", "Ik wil de achternaam van mijn partner gebruiken.",
               "Naamgebruik wijzigen is gratis, online met DigiD. Het verandert de aanschrijving, niet de naam in het paspoort "
               "(daar kan een vermelding 'echtgenote van' bij).", "naam, achternaam partner, aanschrijving", "brp"),
        _topic("Rijbewijs verlengen", "Mijn rijbewijs verloopt. Hoe vraag ik een nieuw aan?",
               "Online met DigiD (€ 52,80) of aan de balie. Vanaf 75 jaar eerst een Gezondheidsverklaring bij het CBR. "
               "Ophalen na 5 werkdagen aan de balie.", "rijbewijs, cbr, verlopen rijbewijs", "reisdocumenten"),
        _topic("Naturalisatie en optie Nederlanderschap", "Hoe word ik Nederlander?",
               "Naturalisatie vraagt de inwoner aan bij de gemeente, op afspraak. Voorwaarden: 5 jaar legaal verblijf en het inburgeringsdiploma. "
               "Het KCC geeft alleen algemene informatie; de afdeling belt terug.", "naturalisatie, nationaliteit, nederlander worden", "burgerlijke stand", Audience.INTERNAL),
    ],
    "belastingen": [
        _topic("Bezwaar maken tegen de WOZ-waarde", "Ik vind de WOZ-waarde van mijn huis te hoog.",
               "Bezwaar maken kan **binnen 6 weken** na de datum van het aanslagbiljet, online met DigiD of per brief.\n\n"
               "1. Eerst kan de inwoner het taxatieverslag opvragen en bellen met een taxateur.\n"
               "2. Bezwaar onderbouwen met verkoopcijfers van vergelijkbare woningen.\n"
               "3. Tijdens het bezwaar moet de aanslag wel betaald worden.\n\n"
               "**Let op:** no-cure-no-pay bureaus zijn niet nodig; bezwaar maken is gratis.",
               "woz, woz-waarde, bezwaar woz, taxatie, waarde huis, ozb", "woz, bezwaar"),
        _topic("Kwijtschelding gemeentelijke belastingen", "Ik kan mijn gemeentelijke belastingen niet betalen.",
               "Inwoners met een laag inkomen en weinig vermogen kunnen **kwijtschelding** aanvragen voor afvalstoffenheffing en rioolheffing "
               "(niet voor OZB en hondenbelasting).\n\n"
               "- Aanvragen binnen 3 maanden na de aanslag, online of met het formulier.\n"
               "- Bewijsstukken: inkomen, bankafschriften van 3 maanden, vaste lasten.\n"
               "- Wie al bijstand ontvangt, krijgt vaak automatisch kwijtschelding.",
               "kwijtschelding, niet kunnen betalen, schulden, laag inkomen, vrijstelling", "kwijtschelding, betalen"),
        _topic("Betalingsregeling gemeentelijke belastingen", "Kan ik de aanslag in termijnen betalen?",
               "Met **automatische incasso** wordt de aanslag in 10 termijnen betaald. Een aparte betalingsregeling kan na een aanmaning, "
               "via het contactformulier van Belastingen.", "termijnen, gespreid betalen, betalingsregeling, uitstel", "betalen"),
        _topic("Automatische incasso afgeven", "Hoe regel ik automatische incasso voor mijn aanslag?",
               "Online met DigiD of met het machtigingsformulier. De incasso gaat in bij de eerstvolgende termijn.", "incasso, machtiging, afschrijven", "betalen"),
        _topic("Uitleg aanslag gemeentelijke belastingen", "Ik begrijp mijn aanslag niet. Wat betaal ik waarvoor?",
               "Op de aanslag staan: **OZB** (eigenaren), **afvalstoffenheffing** en **rioolheffing** (gebruikers), eventueel hondenbelasting. "
               "De WOZ-beschikking staat op hetzelfde biljet.", "aanslag, aanslagbiljet, belastingaanslag, ozb, rioolheffing", "aanslag"),
        _topic("Hondenbelasting aan- of afmelden", "Ik heb een hond gekregen. Moet ik dat melden?",
               "Een nieuwe hond meldt de inwoner binnen 2 weken aan, online. Afmelden (overleden, verhuisd) ook online; "
               "te veel betaalde belasting wordt terugbetaald.", "hond, hondenbelasting, huisdier", "aanslag"),
        _topic("Aanslag niet ontvangen", "Ik heb dit jaar geen aanslag ontvangen.",
               "De aanslagen gaan eind februari de deur uit, de meeste naar de Berichtenbox van MijnOverheid. "
               "Niet ontvangen: eerst Berichtenbox controleren, daarna kan Belastingen een kopie sturen.", "geen aanslag, kopie aanslag, berichtenbox", "aanslag"),
        _topic("Teruggaaf afvalstoffenheffing na verhuizing", "Ik ben verhuisd. Krijg ik belasting terug?",
               "Bij vertrek uit de gemeente wordt de afvalstoffenheffing en rioolheffing per maand verrekend. "
               "Dat gaat **automatisch** na de verhuismelding; binnen 8 weken volgt een verminderingsbeschikking.",
               "teruggave, verhuizen belasting, vermindering, terugbetaling", "aanslag, verhuizen"),
        _topic("Aanmaning of dwangbevel ontvangen", "Ik heb een aanmaning gekregen. Wat nu?",
               "Na een aanmaning moet het hele bedrag binnen 14 dagen betaald zijn, met aanmaningskosten. "
               "Kan de inwoner niet betalen: direct contact met Belastingen, en wijzen op schuldhulpverlening.", "aanmaning, dwangbevel, deurwaarder, invordering", "betalen"),
        _topic("Toeristenbelasting aangeven", "Ik verhuur een kamer via een platform. Moet ik toeristenbelasting afdragen?",
               "Ja. Verhuurders registreren zich en doen per kwartaal aangifte van het aantal overnachtingen (€ 2,75 per persoon per nacht).", "toeristenbelasting, b&b, airbnb, overnachting", "ondernemers"),
    ],
    "afval": [
        _topic("Afvalpas aanvragen", "Ik heb geen afvalpas. Hoe krijg ik er een?",
               "Elk adres krijgt één afvalpas voor de ondergrondse containers en de milieustraat. "
               "Nieuwe bewoners krijgen de pas automatisch binnen 2 weken na inschrijving.", "afvalpas, milieupas, containerpas, pasje container", "afvalpas"),
        _topic("Afvalpas kwijt of kapot", "Mijn afvalpas is kwijt of werkt niet meer.",
               "Een nieuwe afvalpas aanvragen kost € 10,00 (kapot door slijtage: gratis). De oude pas wordt geblokkeerd. "
               "Bezorging binnen 10 werkdagen; tot die tijd kan de inwoner met legitimatie naar de milieustraat.",
               "afvalpas, milieupas, pas kwijt, pas kapot, nieuwe pas, containerpas", "afvalpas"),
        _topic("Grofvuil laten ophalen", "Hoe laat ik grofvuil ophalen?",
               "Grofvuil wordt **op afspraak** opgehaald, online of via het KCC.\n\n"
               "- Maximaal 2 m³ per keer, 4 keer per jaar gratis.\n- Buiten zetten op de ophaaldag vóór 7:30 uur.\n"
               "- Niet mee: bouw- en sloopafval, chemisch afval, autobanden.", "grofvuil, grof afval, bankstel, matras, meubels, ophalen", "grofvuil"),
        _topic("Afvalkalender en ophaaldagen", "Wanneer wordt mijn container geleegd?",
               "De ophaaldagen staan in de afvalkalender, online per postcode en in de afval-app. Bij feestdagen schuift de ophaaldag.", "afvalkalender, ophaaldag, ophaaldagen, afvalwijzer", "containers"),
        _topic("Container niet geleegd", "Mijn container is vandaag niet geleegd.",
               "Controleer eerst de ophaaldag en of de container vóór 7:30 uur aan de straat stond. Dan een melding 'container niet geleegd' maken; "
               "de container wordt binnen 2 werkdagen alsnog geleegd.", "container vergeten, niet geleegd, kliko, vuilnisbak", "containers"),
        _topic("Container kapot of gestolen", "Mijn kliko is kapot. Krijg ik een nieuwe?",
               "Een kapotte container wordt gratis gerepareerd of vervangen. Bij diefstal: melding maken; een nieuwe kost € 35,00.", "kliko kapot, container stuk, deksel, wieltje, minicontainer", "containers"),
        _topic("Milieustraat: openingstijden en wat mag er", "Wanneer is de milieustraat open?",
               "Milieustraat Voorbeeldstad: ma-za 8:30-16:30. Afvalpas meenemen. Gratis: gescheiden grofvuil, hout, metaal, snoeiafval. "
               "Betaald: bouw- en sloopafval (per 100 kg).", "milieustraat, stort, recyclepark, afvalbrengstation", "milieustraat"),
        _topic("Klein chemisch afval", "Waar laat ik verfresten en batterijen?",
               "Klein chemisch afval gratis naar de milieustraat of de chemokar (zie afvalkalender). Nooit bij het restafval.", "chemisch afval, kca, verf, batterijen, asbest", "milieustraat"),
        _topic("Extra of grotere container", "Ik wil een extra container voor gft.",
               "Een extra of grotere container aanvragen kan online; de kosten worden via de afvalstoffenheffing verrekend.", "extra container, grotere kliko, gft, tweede container", "containers"),
        _topic("Kerstbomen inzamelen", "Wat doe ik met mijn kerstboom?",
               "In de tweede week van januari worden kerstbomen op vaste punten ingezameld. Kinderen krijgen per boom een lot.", "kerstboom, kerstbomen, januari", "inzameling"),
        _topic("Oud papier en glas", "Waar kan ik oud papier en glas kwijt?",
               "Oud papier: blauwe container of ondergrondse papiercontainer. Glas: glasbakken in de wijk (locaties online).", "papier, karton, glas, glasbak", "inzameling"),
        _topic("Asbest afvoeren", "Ik heb asbest in mijn schuur. Mag ik dat zelf weghalen?",
               "Particulieren mogen maximaal 35 m² hechtgebonden asbest zelf verwijderen na een **sloopmelding**. Verpakt afgeven bij de milieustraat.",
               "asbest, golfplaten, sloopmelding", "milieustraat, vergunningen"),
    ],
    "werk-inkomen": [
        _topic("Bijstand aanvragen", "Ik heb geen inkomen meer. Kan ik bijstand aanvragen?",
               "De inwoner vraagt een bijstandsuitkering aan via **werk.nl** (melding) en daarna het aanvraagformulier van de gemeente.\n\n"
               "- Vanaf 27 jaar direct aanvragen; jonger dan 27: eerst 4 weken zoeken naar werk of school.\n"
               "- Meenemen naar het gesprek: ID, bankafschriften van 3 maanden, huurcontract.\n"
               "- Binnen 8 weken een besluit; een voorschot is mogelijk.",
               "bijstand, uitkering, participatiewet, geen inkomen, werkloos", "bijstand"),
        _topic("Inkomsten doorgeven met een bijstandsuitkering", "Ik heb gewerkt naast mijn uitkering. Hoe geef ik dat door?",
               "Inkomsten maandelijks doorgeven via het **inkomstenformulier** in Mijn Gemeente, met loonstrook. "
               "Niet doorgeven kan leiden tot terugvordering en een boete (inlichtingenplicht).", "inkomsten doorgeven, loonstrook, bijverdienen, inlichtingenplicht", "bijstand"),
        _topic("Bijzondere bijstand", "Mijn wasmachine is kapot en ik heb geen geld voor een nieuwe.",
               "Bijzondere bijstand is voor noodzakelijke, onverwachte kosten. Aanvragen **vóór** de aankoop, met een offerte. "
               "Vaak als lening of via de gemeentelijke kredietbank.", "bijzondere bijstand, kosten, wasmachine, lening", "minima"),
        _topic("Individuele inkomenstoeslag", "Ik heb al jaren een laag inkomen. Kom ik in aanmerking voor een toeslag?",
               "Wie minimaal 3 jaar een inkomen rond bijstandsniveau heeft, kan één keer per jaar de individuele inkomenstoeslag aanvragen (€ 450 alleenstaande).", "inkomenstoeslag, langdurig laag inkomen, toeslag", "minima"),
        _topic("Schuldhulpverlening", "Ik heb schulden en zie het niet meer zitten.",
               "Verwijs naar het **schuldenloket**: binnen 3 werkdagen een eerste gesprek, bij dreigende huisuitzetting of afsluiting binnen 3 dagen. "
               "Neem de tijd, vraag of er direct gevaar is.", "schulden, schuldhulp, budgetbeheer, geldzorgen, afsluiting", "schulden"),
        _topic("Stadspas en minimaregelingen", "Welke regelingen zijn er voor mensen met weinig geld?",
               "Met de **Stadspas** korting op sport, cultuur en zwemles voor kinderen. Daarnaast: kwijtschelding, collectieve zorgverzekering, "
               "kindpakket. Aanvragen met één formulier.", "stadspas, minima, korting, kindpakket, meedoen", "minima"),
        _topic("Uitbetaling bijstand: datum", "Wanneer wordt mijn uitkering betaald?",
               "De bijstand wordt rond de **25e van de maand** betaald. Vakantiegeld in mei. Rond feestdagen kan het eerder zijn.", "betaaldatum, uitbetaling, wanneer betaald, uitkering", "bijstand"),
        _topic("Bijstand voor zelfstandigen (Bbz)", "Ik ben ondernemer en heb tijdelijk te weinig inkomen.",
               "Ondernemers kunnen **Bbz** aanvragen: tijdelijke inkomensondersteuning of bedrijfskapitaal. Eerst een oriëntatiegesprek bij het ondernemersloket.", "bbz, zzp, zelfstandige, ondernemer, tozo", "bijstand, ondernemers"),
        _topic("Re-integratie en werk zoeken", "Ik wil graag aan het werk. Kan de gemeente helpen?",
               "Het Werkgeverservicepunt en de werkcoaches helpen met sollicitatietraining, opleiding en proefplaatsing. "
               "Ook zonder uitkering kan de inwoner zich melden.", "werk zoeken, re-integratie, werkcoach, solliciteren", "werk"),
        _topic("Energietoeslag", "Is er nog een energietoeslag?",
               "De energietoeslag is in 2026 **niet** meer landelijk. Inwoners met betalingsproblemen: verwijs naar bijzondere bijstand of het energieloket.", "energietoeslag, energierekening, gas en licht", "minima", Audience.INTERNAL),
    ],
    "wmo": [
        _topic("Wmo-hulpmiddel aanvragen (rolstoel, scootmobiel)", "Ik heb een scootmobiel nodig. Hoe vraag ik die aan?",
               "Een hulpmiddel vraagt de inwoner aan met een **Wmo-melding** (online, telefonisch via het KCC of per formulier).\n\n"
               "1. Binnen 7 dagen neemt een Wmo-consulent contact op voor een keukentafelgesprek.\n"
               "2. Binnen 6 weken een besluit.\n3. Er geldt een eigen bijdrage via het CAK (€ 21,80 per maand).",
               "scootmobiel, rolstoel, rollator, hulpmiddel, wmo, vervoersmiddel", "hulpmiddelen, wmo-melding"),
        _topic("Hulpmiddel kapot of reparatie", "Mijn scootmobiel is kapot.",
               "Reparaties gaan rechtstreeks via de **leverancier** (nummer staat op het hulpmiddel). Het KCC hoeft niets te melden.", "reparatie, scootmobiel kapot, rolstoel stuk, leverancier", "hulpmiddelen"),
        _topic("Huishoudelijke hulp aanvragen", "Ik kan mijn huis niet meer schoonhouden.",
               "Huishoudelijke hulp via een Wmo-melding. Na het gesprek kiest de inwoner een zorgaanbieder of een pgb.", "huishoudelijke hulp, schoonmaak, thuiszorg, hulp in huis", "wmo-melding"),
        _topic("Woningaanpassing (traplift, douche)", "Ik kan de trap niet meer op. Helpt de gemeente met een traplift?",
               "Een woningaanpassing zoals een traplift of aangepaste douche: Wmo-melding. Bij huurwoningen overlegt de gemeente met de verhuurder.", "traplift, woningaanpassing, douche, drempels", "wmo-melding"),
        _topic("Regiotaxi en Wmo-vervoer", "Hoe kom ik in aanmerking voor de regiotaxi?",
               "Met een Wmo-vervoerspas reist de inwoner met de regiotaxi tegen OV-tarief. Ritten een uur van tevoren boeken.", "regiotaxi, vervoer, taxi, vervoerspas", "vervoer"),
        _topic("Mantelzorgwaardering", "Ik zorg voor mijn moeder. Is er een mantelzorgwaardering?",
               "Mantelzorgers kunnen jaarlijks een waardering aanvragen (€ 150) tussen 1 september en 31 december.", "mantelzorg, mantelzorger, waardering, compliment", "mantelzorg"),
        _topic("Eigen bijdrage Wmo (CAK)", "Waarom krijg ik een rekening van het CAK?",
               "Het CAK int de eigen bijdrage voor Wmo-voorzieningen: maximaal € 21,80 per maand, ongeacht inkomen. Vragen over de rekening: het CAK.", "cak, eigen bijdrage, rekening wmo, abonnementstarief", "wmo-melding"),
        _topic("Dagbesteding", "Is er dagbesteding voor mijn vader met dementie?",
               "Dagbesteding via een Wmo-melding. Bij dementie ook de casemanager dementie inschakelen.", "dagbesteding, dementie, activiteiten, ontmoeting", "wmo-melding"),
        _topic("Gehandicaptenparkeerkaart aanvragen", "Ik kan niet ver lopen. Kan ik een gehandicaptenparkeerkaart krijgen?",
               "Aanvragen online; er volgt een medische keuring door een onafhankelijke arts (€ 90 leges). Voor een eigen parkeerplaats: zie Parkeren.", "gpk, gehandicaptenparkeerkaart, invalidenkaart, parkeren beperking", "parkeren, hulpmiddelen"),
    ],
    "parkeren": [
        _topic("Parkeervergunning voor bewoners aanvragen", "Ik woon in het centrum. Hoe krijg ik een parkeervergunning?",
               "Bewoners van een vergunninggebied vragen de vergunning **online met DigiD** aan; het kenteken moet op naam staan.\n\n"
               "- Kosten: € 120 per jaar voor de eerste auto.\n- Wachtlijst in zone A (centrum).\n- Direct geldig na betaling.",
               "parkeervergunning, vergunning parkeren, bewonersvergunning, parkeren centrum", "vergunning"),
        _topic("Kenteken wijzigen op parkeervergunning", "Ik heb een andere auto. Hoe pas ik mijn vergunning aan?",
               "Kentekenwijziging online, direct geldig en gratis. Tijdelijke leenauto: maximaal 2 weken.", "kenteken wijzigen, andere auto, leenauto", "vergunning"),
        _topic("Bezoekersvergunning", "Hoe laat ik bezoek parkeren?",
               "Bewoners krijgen bezoekerstegoed (40 uur per maand tegen € 0,60 per uur). Aanmelden via de app of website.", "bezoekers, bezoek parkeren, bezoekersregeling, visitor", "vergunning"),
        _topic("Bezwaar tegen een parkeerboete (naheffingsaanslag)", "Ik heb onterecht een parkeerbon gekregen.",
               "Bezwaar binnen **6 weken**, online met foto's of bewijs (parkeerticket, app-transactie). Eerst betalen is niet nodig tijdens bezwaar.", "parkeerboete, parkeerbon, naheffing, bekeuring parkeren", "boetes, bezwaar"),
        _topic("Tarieven betaald parkeren", "Wat kost parkeren in het centrum?",
               "Zone A: € 3,80 per uur (ma-za 9-21, zo 12-18). Zone B: € 2,20 per uur. Betalen met de automaat of een parkeer-app.", "parkeertarief, parkeren kosten, betaald parkeren, parkeerautomaat", "tarieven"),
        _topic("Gehandicaptenparkeerplaats op kenteken", "Ik wil een eigen invalidenparkeerplaats voor de deur.",
               "Met een gehandicaptenparkeerkaart (bestuurder) kan de inwoner een parkeerplaats op kenteken aanvragen. Verkeersbesluit duurt ongeveer 8 weken.", "invalidenparkeerplaats, gehandicaptenparkeerplaats, eigen parkeerplaats", "vergunning"),
        _topic("Laadpaal aanvragen", "Ik heb een elektrische auto. Komt er een laadpaal bij mij in de straat?",
               "Een openbare laadpaal aanvragen kan online wanneer er binnen 250 meter geen paal is. Plaatsing duurt 4 tot 6 maanden.", "laadpaal, elektrisch rijden, oplaadpunt", "laadpalen"),
        _topic("Bedrijfsvergunning parkeren", "Ik heb een bedrijf in het centrum. Kan ik een vergunning krijgen?",
               "Bedrijven in een vergunninggebied kunnen maximaal 2 bedrijfsvergunningen aanvragen (€ 480 per jaar).", "bedrijfsvergunning, ondernemer parkeren, zakelijk parkeren", "vergunning"),
    ],
    "vergunningen": [
        _topic("Omgevingsvergunning voor bouwen of verbouwen", "Heb ik een vergunning nodig voor een aanbouw?",
               "Of een vergunning nodig is, checkt de inwoner in het **Omgevingsloket** (vergunningcheck). Veel aanbouwen aan de achterkant zijn vergunningvrij.\n\n"
               "Aanvragen via het Omgevingsloket; beslistermijn 8 weken. Vragen over een specifiek plan: terugbelverzoek voor de vakspecialist.",
               "omgevingsvergunning, bouwvergunning, aanbouw, uitbouw, verbouwen, omgevingsloket", "bouwen"),
        _topic("Dakkapel plaatsen", "Mag ik een dakkapel plaatsen?",
               "Een dakkapel aan de **achterkant** is vaak vergunningvrij; aan de voorkant is meestal een vergunning nodig. Altijd de vergunningcheck doen.", "dakkapel, dak, zolder", "bouwen"),
        _topic("Kapvergunning (boom kappen)", "Mag ik de boom in mijn tuin kappen?",
               "Voor bomen met een stamomtrek boven 90 cm (op 1,30 m hoogte) is een vergunning nodig. Aanvragen via het Omgevingsloket; leges € 95.", "boom kappen, kapvergunning, bomen, tuin", "groen, bouwen"),
        _topic("Evenementenvergunning", "Wij willen een buurtfeest organiseren.",
               "Kleine buurtfeesten (< 250 personen, niet op de rijbaan) zijn meldingsplichtig, 4 weken vooraf. Grotere evenementen: vergunning, 12 weken vooraf.", "evenement, buurtfeest, straatfeest, festival", "evenementen"),
        _topic("Uitrit aanleggen", "Ik wil een oprit naar mijn huis.",
               "Een nieuwe uitrit (inrit) aanvragen via het Omgevingsloket. De gemeente legt de verlaging van de stoep aan op kosten van de aanvrager.", "uitrit, inrit, oprit, stoep verlagen", "bouwen"),
        _topic("Drank- en horecavergunning", "Ik begin een café. Welke vergunningen heb ik nodig?",
               "Een alcoholwetvergunning, exploitatievergunning en mogelijk een terrasvergunning. Doorlooptijd tot 8 weken inclusief Bibob-toets.", "horeca, café, restaurant, alcoholvergunning, terras", "ondernemers"),
        _topic("Sloopmelding", "Ik wil mijn schuur slopen.",
               "Slopen met meer dan 10 m³ afval of met asbest: sloopmelding via het Omgevingsloket, minimaal 4 weken vooraf.", "slopen, sloop, sloopmelding, schuur", "bouwen"),
        _topic("Ontheffing geluid of stookontheffing", "Mag ik een avond muziek maken in de tuin?",
               "Voor incidenteel versterkte muziek na 23:00 uur is een ontheffing nodig, 3 weken vooraf.", "geluid, muziek, ontheffing, lawaai", "evenementen"),
        _topic("Standplaatsvergunning", "Ik wil met een foodtruck op de markt staan.",
               "Standplaatsen zijn beperkt; er is een wachtlijst. Aanvragen via het formulier van Vergunningen.", "standplaats, foodtruck, markt, kraam", "ondernemers"),
        _topic("Status van mijn vergunningaanvraag", "Hoe ver is mijn aanvraag voor een vergunning?",
               "De status staat in het Omgevingsloket. Het KCC kan niet in het vergunningensysteem kijken: maak een terugbelverzoek voor de behandelaar.", "status aanvraag, vergunning status, behandelaar", "bouwen", Audience.INTERNAL),
    ],
    "openbare-ruimte": [
        _topic("Melding openbare ruimte maken", "Er ligt een losse stoeptegel in mijn straat.",
               "Meldingen over de openbare ruimte (stoep, weg, groen, verlichting) maakt de inwoner online via **Meldingen Openbare Ruimte**, "
               "of het KCC maakt de melding in het meldingensysteem.\n\n"
               "- Locatie zo precies mogelijk (huisnummer of lantaarnpaalnummer).\n- Foto helpt.\n- Gevaarlijke situaties: direct doorverbinden met Openbare Ruimte.",
               "melding, mor, losse tegel, stoeptegel, kapotte stoep, gat in de weg", "meldingen"),
        _topic("Straatverlichting kapot", "De lantaarnpaal voor mijn huis doet het niet.",
               "Melding maken met het nummer op de paal. Reparatie binnen 5 werkdagen; bij een hele straat donker binnen 24 uur.", "lantaarnpaal, straatlantaarn, verlichting, donker", "meldingen"),
        _topic("Zwerfvuil en illegale dumping", "Er staat afval naast de container.",
               "Melding maken; bijplaatsingen worden binnen 2 werkdagen opgeruimd. Bij herhaling kan handhaving de dader zoeken.", "zwerfafval, dumping, bijplaatsing, vuil op straat", "meldingen, afval"),
        _topic("Boom of groen: overlast of gevaar", "Er hangt een grote tak over de weg.",
               "Bij **gevaar** (tak kan vallen, boom ligt op de weg): direct doorverbinden. Anders een melding groenonderhoud.", "boom, tak, snoeien, groen, omgevallen boom", "meldingen, groen"),
        _topic("Gladheid en strooien", "Mijn straat wordt niet gestrooid.",
               "De gemeente strooit hoofdwegen, busroutes en fietspaden. Woonstraten niet. Zoutbakken voor bewoners op vaste punten.", "strooien, gladheid, sneeuw, ijzel, zout", "gladheid"),
        _topic("Verstopte kolk of wateroverlast", "Na de regen staat de straat blank.",
               "Melding 'kolk verstopt'. Water in huis door het riool: direct doorverbinden (spoed).", "riool, kolk, putje, wateroverlast, regen", "meldingen, riool"),
        _topic("Speeltoestel kapot", "Het klimrek in de speeltuin is kapot.",
               "Melding maken; een onveilig toestel wordt binnen 24 uur afgezet.", "speeltuin, speeltoestel, schommel, glijbaan", "meldingen"),
        _topic("Graffiti laten verwijderen", "Er staat graffiti op mijn gevel.",
               "Graffiti op gemeentelijk eigendom: melding. Op een particuliere gevel: de gemeente verwijdert gratis bij kwetsende teksten.", "graffiti, bekladding, tags, kalk", "meldingen"),
        _topic("Dood dier op straat", "Er ligt een dode kat op de stoep.",
               "Melding 'dood dier'; opruimen binnen 1 werkdag. Gechipte dieren worden geregistreerd zodat de eigenaar bericht krijgt.", "dood dier, kadaver, dode kat, dode vogel", "meldingen"),
        _topic("Ratten en ongedierte", "Ik zie ratten in de tuin.",
               "Ratten in de openbare ruimte: melding. In of om het eigen huis: de inwoner schakelt zelf een ongediertebestrijder in.", "ratten, muizen, ongedierte, plaagdieren", "meldingen"),
        _topic("Status van een melding", "Ik heb een melding gedaan. Wat is de stand van zaken?",
               "Met het meldnummer is de status online te volgen. Afgemeld maar niet opgelost: nieuwe melding met verwijzing naar het oude nummer.", "meldnummer, status melding, opgelost, afgehandeld", "meldingen", Audience.INTERNAL),
    ],
    "jeugd": [
        _topic("Jeugdhulp aanvragen", "Mijn zoon heeft hulp nodig. Hoe vraag ik jeugdhulp aan?",
               "Jeugdhulp loopt via het **wijkteam jeugd** of een verwijzing van de huisarts. Het KCC maakt een terugbelverzoek voor het wijkteam.", "jeugdhulp, wijkteam, hulp kind, opvoeden", "jeugdhulp"),
        _topic("Zorgen over de veiligheid van een kind", "Ik maak me zorgen over het kind van de buren.",
               "Bij **acuut gevaar**: 112. Bij zorgen: **Veilig Thuis** (0800-2000, gratis, anoniem mogelijk). Direct doorverbinden met Jeugd tijdens kantooruren.",
               "kindermishandeling, veilig thuis, zorgen kind, huiselijk geweld", "veiligheid", Audience.INTERNAL),
        _topic("Leerplicht en vrijstelling", "Mag mijn kind buiten de schoolvakantie mee op vakantie?",
               "Extra verlof vraagt de ouder aan bij de **directeur van de school** (tot 10 dagen). Langer: de leerplichtambtenaar.", "leerplicht, verlof school, vakantie buiten schoolvakantie, spijbelen", "onderwijs"),
        _topic("Persoonsgebonden budget (pgb) jeugd", "Kan ik zelf zorg inkopen voor mijn kind?",
               "Na een indicatie van het wijkteam kan de ouder kiezen voor een pgb. De SVB betaalt de zorgverleners uit.", "pgb, persoonsgebonden budget, svb, zelf zorg inkopen", "jeugdhulp"),
        _topic("Kinderopvangtoeslag", "Hoe vraag ik kinderopvangtoeslag aan?",
               "Kinderopvangtoeslag is van de **Belastingdienst/Toeslagen**, niet van de gemeente. Verwijs naar toeslagen.nl of 0800-0543.", "kinderopvangtoeslag, toeslag, opvang, belastingdienst", "verwijzen"),
        _topic("Leerlingenvervoer", "Mijn kind gaat naar speciaal onderwijs. Is er vervoer?",
               "Leerlingenvervoer aanvragen vóór 1 mei voor het nieuwe schooljaar, online. Voorwaarde: afstand meer dan 6 km of een beperking.", "leerlingenvervoer, schoolbus, taxi school, speciaal onderwijs", "onderwijs"),
    ],
    "wonen": [
        _topic("Huurtoeslag", "Hoe vraag ik huurtoeslag aan?",
               "Huurtoeslag is van de **Belastingdienst/Toeslagen**. De gemeente kan helpen bij het invullen (formulierenhulp in de bibliotheek).", "huurtoeslag, toeslag huur, belastingdienst", "verwijzen"),
        _topic("Urgentie voor een woning", "Ik moet dringend een andere woning hebben.",
               "Urgentie aanvragen via het formulier; de commissie beslist binnen 8 weken. Voorwaarden zijn streng (medisch, dakloosheid dreigend, geweld).", "urgentie, urgentieverklaring, dringend woning, dakloos", "woningzoekenden"),
        _topic("Inschrijven als woningzoekende", "Hoe kom ik in aanmerking voor een sociale huurwoning?",
               "Inschrijven bij de regionale woningzoekendenregistratie (€ 25 inschrijfkosten, jaarlijks verlengen). Inschrijfduur telt.", "sociale huur, woningzoekende, inschrijven huurwoning, woningnet", "woningzoekenden"),
        _topic("Huurcommissie en huurgeschillen", "Mijn huur is te hoog verhoogd.",
               "Huurgeschillen gaan naar de **Huurcommissie**. Het gemeentelijk huurteam helpt gratis bij de procedure.", "huurcommissie, huurverhoging, huurgeschil, verhuurder", "huren"),
        _topic("Woonfraude melden", "Ik denk dat mijn buren hun woning onderverhuren.",
               "Melden kan anoniem via het formulier woonfraude. Het KCC noteert alleen adres en signalen, geen eigen oordeel.", "onderhuur, woonfraude, illegale verhuur, hennep", "handhaving"),
        _topic("Energiebesparing: subsidie isoleren", "Is er subsidie voor isolatie?",
               "De gemeentelijke isolatiesubsidie (max. € 1.500) aanvragen vóór de start van de werkzaamheden. Energiecoach aan huis is gratis.", "isolatie, subsidie, energie besparen, zonnepanelen, energiecoach", "duurzaamheid"),
        _topic("Starterslening", "Ik wil een huis kopen. Is er een starterslening?",
               "De starterslening (max. € 40.000) gaat via SVn. Eerst een hypotheekadviseur. Het budget voor 2026 kan op raken.", "starterslening, huis kopen, svn, hypotheek", "kopen"),
    ],
    "kcc": [
        _topic("Terugbelverzoek aanmaken: wanneer en hoe", "Wanneer maak ik een terugbelverzoek in plaats van doorverbinden?",
               "Maak een terugbelverzoek als de afdeling niet bereikbaar is, de vraag uitzoekwerk vraagt of de afdeling dat in 'Wie doet wat' aangeeft.\n\n"
               "- Noteer de vraag in de woorden van de inwoner.\n- Controleer het telefoonnummer en vraag wanneer de inwoner bereikbaar is.\n"
               "- Noem de termijn (werkdagen) die in het formulier staat.", "terugbellen, terugbelverzoek, contactverzoek, callback", "werkinstructie", Audience.INTERNAL),
        _topic("Doorverbinden: afspraken", "Wanneer mag ik doorverbinden met een vakafdeling?",
               "Alleen doorverbinden als de afdeling live bereikbaar is en het in 'Wie doet wat' staat. Vertel de inwoner naar wie je doorverbindt en waarom. "
               "Kondig het gesprek kort aan bij de collega (warme overdracht).", "doorverbinden, doorschakelen, warme overdracht", "werkinstructie", Audience.INTERNAL),
        _topic("Klacht van een inwoner", "Een inwoner wil een klacht indienen.",
               "Probeer eerst het probleem op te lossen. Lukt dat niet: klachtformulier online, of noteer de klacht in een klantcontact met onderwerp 'Klacht'. "
               "De klachtencoördinator reageert binnen 6 weken.", "klacht, ontevreden, klachtenregeling, ombudsman", "werkinstructie", Audience.INTERNAL),
        _topic("Agressieve of dreigende beller", "Hoe ga ik om met een agressieve beller?",
               "Blijf rustig, benoem het gedrag, waarschuw één keer. Bij bedreiging: gesprek beëindigen, teamleider inlichten en een incidentmelding maken.", "agressie, bedreiging, schelden, boos", "werkinstructie, veiligheid", Audience.INTERNAL),
        _topic("Inzageverzoek persoonsgegevens (AVG)", "Een inwoner wil weten welke gegevens de gemeente van hem heeft.",
               "Een inzageverzoek (AVG art. 15) gaat schriftelijk of via het online formulier naar de privacy-officer. Termijn: 1 maand. "
               "Geef zelf geen gegevens door aan de telefoon.", "avg, privacy, inzage, gegevens, inzageverzoek", "privacy", Audience.INTERNAL),
        _topic("Identiteit controleren aan de telefoon", "Hoe controleer ik wie ik aan de lijn heb?",
               "Vraag naar geboortedatum en postcode + huisnummer en vergelijk met het klantbeeld. Geef nooit een BSN of gegevens van anderen door.", "identificatie, verificatie, bsn, controlevragen", "privacy", Audience.INTERNAL),
        _topic("Storing: telefonie of systemen", "Het klantbeeld of de telefooncentrale werkt niet.",
               "Meld een storing direct bij de teamleider en de servicedesk (toestel 4444). Noteer vragen op papier en werk ze later bij.", "storing, systeem plat, telefooncentrale, servicedesk", "werkinstructie", Audience.INTERNAL),
        _topic("Tolk of andere taal", "De inwoner spreekt geen Nederlands.",
               "Probeer Engels. Anders de **tolkentelefoon** (toestel 4100, kosten voor de gemeente). Schriftelijke vragen: vertaaltool alleen voor algemene tekst.", "tolk, vertalen, engels, andere taal, anderstalig", "werkinstructie", Audience.INTERNAL),
        _topic("Openingstijden gemeentehuis", "Wanneer is het gemeentehuis open?",
               "Het gemeentehuis is open ma-vr 8:30-17:00, donderdagavond tot 20:00 (alleen op afspraak). Gesloten op feestdagen.", "openingstijden, gemeentehuis, stadhuis, open", "algemeen"),
    ],
}

VERSION_CHANGES = [
    # title, new body suffix, summary, mandatory
    ("Paspoort aanvragen", "\n\n**Nieuw per 1 maart:** de pasfoto mag ook digitaal worden aangeleverd via een erkende fotograaf (fotocode).",
     "Digitale pasfoto via fotocode toegestaan", True),
    ("Grofvuil laten ophalen", "\n\n**Let op:** afspraken kunnen vanaf nu alleen online of via het KCC; de papieren kaart vervalt.",
     "Afspraak alleen nog online of via het KCC", True),
    ("Kwijtschelding gemeentelijke belastingen", "\n\nDe vermogensgrens is per 2026 verhoogd naar € 2.500 voor alleenstaanden.",
     "Vermogensgrens 2026", True),
    ("Verhuizing doorgeven", "\n\nBij inwoning (bij iemand intrekken) is een **toestemmingsverklaring** van de hoofdbewoner nodig.",
     "Toestemming hoofdbewoner bij inwoning", False),
    ("Parkeervergunning voor bewoners aanvragen", "\n\nTarief 2026: € 128 per jaar voor de eerste auto.", "Tarief 2026", False),
]


def _departments() -> dict[str, Department]:
    return {d.code: d for d in Department.objects.filter(is_active=True)}


def _editor(departments):
    User = get_user_model()
    user = User.objects.filter(username="redacteur").first()
    return user or User.objects.filter(is_superuser=True).first()


def _municipal_topics() -> dict[str, list[dict]]:
    topics = {code: list(items) for code, items in TOPICS.items()}
    topics["burgerzaken"] = _document_topics() + topics["burgerzaken"]
    topics["openbare-ruimte"] = topics["openbare-ruimte"] + _report_topics()
    for code, extra in EXTRA_TOPICS.items():
        topics[code] = topics.get(code, []) + extra
    return topics


# --- the housing corporation (KCC_ORGANISATION_KIND=woningcorporatie) -----------------------

CORPORATION_DATA = Path(__file__).resolve().parent / "demo_data" / "corporatie.yaml"
ABC_WHO = {
    "huurder": "**Voor de huurder.** De huurder regelt dit zelf of laat het doen.",
    "serviceabonnement": "**Voor de huurder**, of voor Voorbeeldwonen als de huurder het serviceabonnement heeft (zie *Serviceabonnement*).",
    "verhuurder": "**Voor Voorbeeldwonen.** Maak een reparatieverzoek met foto's (zie *Reparatieverzoek doen*).",
}


@cache
def corporation_data() -> dict:
    """The corporation's knowledge base: articles, the maintenance ABC, guides (a data file)."""
    return yaml.safe_load(CORPORATION_DATA.read_text(encoding="utf-8"))


def _abc_topic(item, who, words, how, synonyms) -> dict:
    body = (
        f"{ABC_WHO[who]}\n\n{how}\n\n"
        "Het onderhoudsabc volgt het Besluit kleine herstellingen: kleine, eenvoudige reparaties zijn voor de huurder, "
        "de rest voor Voorbeeldwonen. Schade door eigen toedoen betaalt altijd de huurder."
    )
    return _topic(f"Onderhoudsabc: {item[0].lower()}{item[1:]}", words, body,
                  f"{synonyms}, onderhoudsabc, wie repareert, huurder of verhuurder", "onderhoudsabc, reparaties")


def _corporation_topics() -> dict[str, list[dict]]:
    data = corporation_data()
    topics: dict[str, list[dict]] = {}
    for a in data["articles"]:
        topics.setdefault(a["department"], []).append(
            _topic(a["title"], a["question"], a["body"].strip(), a.get("synonyms", ""), a.get("tags", ""), a.get("audience", Audience.PUBLIC))
        )
    topics.setdefault("reparaties", []).extend(_abc_topic(*row) for row in data["maintenance_abc"])
    return topics


def _profile_topics() -> dict[str, list[dict]]:
    return _corporation_topics() if is_corporation() else _municipal_topics()


def seed_articles(out, departments, editor) -> int:
    existing = set(Article.objects.values_list("title", flat=True))
    topics = _profile_topics()
    rng = random.Random(2026)
    created = 0
    now = timezone.now()
    for code, items in topics.items():
        department = departments.get(code)
        if department is None:
            continue
        for topic in items:
            if topic["title"] in existing:
                continue
            with transaction.atomic():
                article = article_create(
                    user=editor, owner_department=department, title=topic["title"], body=topic["body"],
                    question=topic["question"], synonyms=topic["synonyms"], tags=topic["tags"], audience=topic["audience"],
                )
                version = article_publish(user=editor, article=article, summary="Eerste versie")
                days_ago = rng.randint(30, 400)
                ArticleVersion.objects.filter(pk=version.pk).update(published_at=now - timedelta(days=days_ago))
                review_by = (now + timedelta(days=rng.randint(-60, 330))).date()
                Article.objects.filter(pk=article.pk).update(published_at=now - timedelta(days=days_ago), review_by=review_by)
            created += 1
    out(f"  kennisartikelen: {created} nieuw ({Article.objects.count()} totaal)")
    return created


def seed_versions(out, editor) -> None:
    changed = 0
    for title, suffix, summary, mandatory in corporation_data()["version_changes"] if is_corporation() else VERSION_CHANGES:
        article = Article.objects.filter(title=title, status=ArticleStatus.PUBLISHED).first()
        if article is None or article.versions.filter(summary=summary).exists():
            continue
        with transaction.atomic():
            article_publish(user=editor, article=article, summary=summary, body=article.body + suffix)
            if mandatory:
                article_require_reading(user=editor, article=article, summary=summary)
        changed += 1
    # Related articles between the document variants.
    for doc in ("Paspoort", "ID-kaart"):
        base = Article.objects.filter(title=f"{doc} aanvragen").first()
        if base is None or base.related.exists():
            continue
        base.related.set(Article.objects.filter(title__startswith=doc).exclude(pk=base.pk).published())
    out(f"  nieuwe versies: {changed}")


def seed_reads_and_feedback(out) -> None:
    User = get_user_model()
    agents = list(User.objects.filter(username__in=["agent2", "agent3", "agent4", "agent5", "agent6"]))
    mandatory = list(ArticleVersion.objects.filter(is_mandatory=True))
    receipts = [ReadReceipt(version=v, user=a) for i, v in enumerate(mandatory) for a in agents[: 5 - i]]
    ReadReceipt.objects.bulk_create(receipts, ignore_conflicts=True)
    agent = User.objects.filter(username="agent").first()
    manager = User.objects.filter(username="manager").first()
    if agent is None or ArticleFeedback.objects.exists():
        return
    samples = [tuple(row) for row in corporation_data()["feedback"]] if is_corporation() else [
        ("Afvalpas kwijt of kapot", FeedbackKind.OUTDATED, "Inwoners zeggen dat de nieuwe pas nu € 12,50 kost volgens de website."),
        ("Bezwaar maken tegen de WOZ-waarde", FeedbackKind.UNCLEAR, "Niet duidelijk of de inwoner tijdens bezwaar uitstel van betaling krijgt."),
        ("Bijstand aanvragen", FeedbackKind.WRONG, "De aanvraag via werk.nl is vervallen, inwoners vragen nu direct bij de gemeente aan."),
    ]
    for title, kind, note in samples:
        article = Article.objects.filter(title=title).first()
        if article is None:
            continue
        # Created directly: demo data sends no e-mail to the departments.
        feedback = ArticleFeedback.objects.create(
            article=article, version=article.current_version, department=article.owner_department,
            kind=kind, note=note, created_by=agent,
        )
        if title.startswith("Bezwaar") and manager is not None:
            feedback_respond(user=manager, feedback=feedback, response="Nee, betalen blijft verplicht. We passen de tekst aan.")
    out("  feedback en leesbevestigingen toegevoegd")


GUIDES = {
    "kcc": ("Algemene vragen, informatie over alle gemeentelijke producten, afspraken maken, meldingen aannemen en terugbelverzoeken.",
            "Inhoudelijke beoordeling van aanvragen en bezwaren (dat doen de vakafdelingen).",
            "Niet van toepassing: het KCC is het eerste aanspreekpunt.", "Niet van toepassing."),
    "burgerzaken": ("Reisdocumenten, rijbewijzen, verhuizingen, uittreksels, geboorte, huwelijk, overlijden, naturalisatie.",
                    "Huurtoeslag en kinderopvangtoeslag (Belastingdienst), VOG-status (Justis), vergunningen.",
                    "Bij vragen over een lopende aanvraag of een afspraak vandaag, ma-vr 9:00-12:00.",
                    "Bij naturalisatie, adresonderzoek en alles wat uitzoekwerk vraagt."),
    "belastingen": ("OZB, afvalstoffenheffing, rioolheffing, hondenbelasting, toeristenbelasting, WOZ-waarde, kwijtschelding, betalingsregelingen.",
                    "Rijksbelastingen en toeslagen (Belastingdienst), waterschapsbelasting (waterschap).",
                    "Alleen 's ochtends en alleen bij een dreigend dwangbevel of deurwaarder.",
                    "In alle andere gevallen, zeker in de weken na de aanslagen (maart)."),
    "afval": ("Ophalen van afval, containers, afvalpassen, grofvuil, milieustraat.",
              "Zwerfafval op straat en illegale dumping (Openbare Ruimte), afvalstoffenheffing (Belastingen).",
              "Alleen bij spoed: gevaarlijk afval op straat of een brandende container (en 112).",
              "Klachten over herhaaldelijk niet geleegde containers."),
    "werk-inkomen": ("Bijstand, Bbz, bijzondere bijstand, minimaregelingen, schuldhulpverlening, re-integratie.",
                     "WW en WIA (UWV), toeslagen (Belastingdienst), studiefinanciering (DUO).",
                     "Alleen bij een crisis: dreigende huisuitzetting, geen geld voor eten vandaag.",
                     "Vragen over een lopende uitkering of aanvraag: de consulent belt terug."),
    "wmo": ("Hulpmiddelen, huishoudelijke hulp, woningaanpassingen, vervoer, dagbesteding, mantelzorg.",
            "Reparatie van hulpmiddelen (leverancier), medische zorg (huisarts/zorgverzekeraar), Wlz-zorg (CIZ).",
            "Wmo-loket ma-do 9:00-12:00 bij vragen over een lopende melding.",
            "Nieuwe meldingen neemt het KCC zelf aan; de consulent belt binnen 7 dagen."),
    "parkeren": ("Parkeervergunningen, bezoekersregeling, naheffingen, gehandicaptenparkeerplaatsen, laadpalen.",
                 "Verkeersboetes van de politie (CJIB), gehandicaptenparkeerkaart medische keuring (Wmo).",
                 "Bereikbaar via doorverbinden tijdens kantooruren.", "Bezwaren en complexe situaties."),
    "vergunningen": ("Omgevingsvergunningen, evenementen, horeca, standplaatsen, sloopmeldingen.",
                     "Parkeervergunningen (Parkeren), vergunningvrije check (inwoner doet die zelf in het Omgevingsloket).",
                     "Nooit live: vakspecialisten werken op afspraak.", "Altijd bij inhoudelijke vragen over een plan of aanvraag."),
    "openbare-ruimte": ("Meldingen over straat, stoep, groen, verlichting, riolering, speelplaatsen, gladheid.",
                        "Afvalcontainers (Afval), overlast van personen (politie/handhaving).",
                        "Bij gevaar op straat: omgevallen boom, open put, wateroverlast in huis.",
                        "Zelden: meldingen neemt het KCC zelf aan in het meldingensysteem."),
    "jeugd": ("Jeugdhulp, wijkteams jeugd, leerplicht, leerlingenvervoer, pgb jeugd.",
              "Kinderopvangtoeslag (Belastingdienst), kinderbijslag (SVB).",
              "Direct bij zorgen over de veiligheid van een kind (en Veilig Thuis noemen).",
              "Voor alle andere vragen: het wijkteam belt terug."),
    "wonen": ("Urgentie, woningzoekenden, huurteam, woonfraude, duurzaamheidssubsidies, starterslening.",
              "Huurtoeslag (Belastingdienst), onderhoud huurwoning (verhuurder/corporatie).",
              "Alleen di en do 9:00-12:00 bij acute woonnood.", "De norm: Wonen is beperkt bereikbaar."),
}


def seed_guides(out, departments) -> None:
    created = 0
    guides = GUIDES
    if is_corporation():
        guides = {code: (g["handles"], g["does_not_handle"], g["when_to_transfer"], g["when_to_callback"]) for code, g in corporation_data()["guides"].items()}
    for code, (handles, not_handles, transfer, callback) in guides.items():
        department = departments.get(code)
        if department is None or DepartmentGuide.objects.filter(department=department).exists():
            continue
        DepartmentGuide.objects.create(
            department=department, handles=handles, does_not_handle=not_handles,
            when_to_transfer=transfer, when_to_callback=callback,
        )
        created += 1
    out(f"  wie-doet-wat-pagina's: {created} nieuw")


def seed(out) -> None:
    departments = _departments()
    editor = _editor(departments)
    if editor is None or not departments:
        out("  kennisbank overgeslagen: geen afdelingen of redacteur")
        return
    seed_articles(out, departments, editor)
    seed_versions(out, editor)
    seed_reads_and_feedback(out)
    seed_guides(out, departments)
    from .demo_text_modules import seed as seed_text_modules

    seed_text_modules(out, departments, editor)


def topic_count() -> int:
    if is_corporation():
        return sum(len(v) for v in _corporation_topics().values())
    return len(_document_topics()) + len(_report_topics()) + sum(len(v) for v in TOPICS.values()) + sum(len(v) for v in EXTRA_TOPICS.values())
