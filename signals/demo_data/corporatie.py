"""Signals of the demo housing corporation "Woonstichting Voorbeeldwonen"
(KCC_ORGANISATION_KIND=woningcorporatie), for the same seeder as the municipality's
(signals/demo.py), taken from the frustrations of a corporation's KCC: calls put through that
are not for the department, opzichters who are never reachable and do not call back, Incasso in
meetings the morning after its reminders, and contractors who miss appointments."""

from signals.demo import ACK, IMP, PROGRESS, REJECT, RESOLVE, C, Plan

PLANS = [
    Plan(
        "Opzichters onbereikbaar en bellen huurders niet terug", "reparaties", C.REACHABILITY, IMP.HIGH, 34, 24,
        ("schimmel", "status reparatieverzoek", "lekkage"),
        "De opzichters zijn niet live bereikbaar en terugbelverzoeken blijven dagen liggen. Huurders bellen drie, vier keer over dezelfde reparatie.",
        "Huurders wachten weken op een opzichter en bellen steeds opnieuw; de schimmel en lekkages worden erger.",
        [(ACK, "Herkenbaar. De opzichters zitten de hele dag in de wijk; we kijken naar een vast belmoment.", 2),
         (PROGRESS, "Vanaf maandag belt elke opzichter terug tussen 13:00 en 14:00. Terugbelverzoeken binnen 1 werkdag.", 3)],
        [("agent", "Vandaag weer vijf huurders die al eerder belden over dezelfde reparatie.", None),
         ("bo", "Dank. Willen jullie in het terugbelverzoek het nummer van het reparatieverzoek zetten? Dan zoeken we minder.", 0),
         ("agent2", "Doen we, staat in de werkinstructie.", 1)],
    ),
    Plan(
        "Aannemer komt afspraken niet na en belt huurder niet", "reparaties", C.CONTRACTOR, IMP.HIGH, 28, 18,
        ("aannemer niet gekomen", "kraan", "voordeur"),
        "De onderhoudsaannemer komt niet op de afgesproken tijd en belt de huurder niet af. Huurders nemen vrij voor niets.",
        "Huurders nemen vrij en er komt niemand; daarna moeten ze zelf opnieuw een afspraak regelen.",
        [(ACK, "We spreken de aannemer hierop aan in het contractoverleg van deze week.", 1)],
        [("teamlead", "Kan er een vast aanspreekpunt bij de aannemer komen voor het KCC?", None)],
    ),
    Plan(
        "Incasso onbereikbaar de ochtend na de herinneringsbrieven", "incasso", C.REACHABILITY, IMP.HIGH, 40, 20,
        ("aanmaning", "huurachterstand", "betalingsregeling"),
        "Incasso verstuurt de herinneringen en zit de ochtend erna in overleg. Juist dan bellen de huurders, en niemand neemt op.",
        "Huurders met een achterstand kunnen geen regeling treffen en krijgen incassokosten.",
        [(ACK, "Terecht. Het overleg verschuift naar de middag na een verzending.", 1),
         (PROGRESS, "Vanaf deze maand staan er op de ochtend na de herinneringen twee collega's op de telefoon.", 2)],
    ),
    Plan(
        "Incasso neemt telefoon niet op", "incasso", C.REACHABILITY, IMP.MEDIUM, 37, 4, ("aanmaning",),
        "Doorverbinden naar Incasso lukt 's ochtends niet, de lijn gaat over zonder dat er iemand opneemt.",
    ),
    Plan(
        "Doorverbonden gesprekken horen niet bij Verhuur", "verhuur", C.PROCESS, IMP.MEDIUM, 22, 12,
        ("huur opzeggen", "medehuurderschap"),
        "Verhuur krijgt veel gesprekken doorverbonden die over reparaties en betalingen gaan, en moet ze weer terugzetten.",
        "De huurder wordt twee keer doorverbonden en vertelt zijn verhaal drie keer.",
        [(ACK, "Klopt, vooral na de voorinspectie-brieven.", 1),
         (PROGRESS, "We passen 'Wie doet wat' aan: herstelkosten na de inspectie zijn Verhuur, de betaling is Incasso.", 2)],
        [("bo", "Vorige week 14 van de 40 doorverbonden gesprekken waren niet voor ons.", None)],
    ),
    Plan(
        "Reparaties uit de app komen dubbel binnen", "reparaties", C.SYSTEM, IMP.MEDIUM, 16, 8, ("status reparatieverzoek",),
        "Reparatieverzoeken uit de app staan soms twee keer in de planning; de aannemer komt dan twee keer of de huurder krijgt twee afspraken.",
        "Verwarring over welke afspraak geldt.",
        [(ACK, "Melding gedaan bij de leverancier van de app.", 2)],
    ),
    Plan(
        "Onderhoudsabc: ontstoppen afvoer onduidelijk", "reparaties", C.KNOWLEDGE, IMP.LOW, 50, 6, ("afvoer",),
        "Het onderhoudsabc zegt niet wie de verstopping in de standleiding oplost; agents geven verschillende antwoorden.",
        "",
        [(ACK, "Klopt.", 1), (PROGRESS, "Tekst aangeleverd aan de redactie.", 2),
         (RESOLVE, "Kennisartikel aangepast: standleiding en riool zijn voor Voorbeeldwonen.", 2)],
        article_keyword="afvoer",
    ),
    Plan(
        "Huurverhoging: brief noemt verkeerd percentage", "verhuur", C.KNOWLEDGE, IMP.MEDIUM, 60, 15, ("huurverhoging",),
        "In een deel van de brieven over de huurverhoging staat 5,1% in plaats van 4,1%.",
        "Huurders schrikken en maken bezwaar.",
        [(ACK, "Fout in de samenvoeging; de bedragen kloppen wel.", 1),
         (PROGRESS, "Correctiebrief gaat deze week de deur uit.", 2),
         (RESOLVE, "Correctiebrief verstuurd; het kennisartikel over de jaarlijkse huurverhoging noemt het juiste percentage.", 5)],
        article_keyword="huurverhoging",
    ),
    Plan(
        "Eindinspectie: huurders krijgen geen verslag", "verhuur", C.PROCESS, IMP.LOW, 19, 3, ("voorinspectie",),
        "Na de voorinspectie krijgen huurders het verslag pas op de dag van de eindinspectie.",
        "Huurders weten niet wat ze moeten herstellen en krijgen kosten.",
        [(REJECT, "Het verslag gaat binnen 2 werkdagen mee per e-mail; het stond in de spam. Graag het e-mailadres controleren.", 2)],
    ),
    Plan(
        "Overlastmeldingen blijven liggen bij Wijkbeheer", "wijkbeheer", C.REACHABILITY, IMP.MEDIUM, 25, 9, ("geluidsoverlast", "rommel"),
        "Huurders die overlast melden horen weken niets van de woonconsulent.",
        "Huurders voelen zich niet gehoord en bellen steeds vaker.",
        [(ACK, "Twee woonconsulenten zijn ziek; we verdelen de wijken opnieuw.", 3)],
    ),
    Plan(
        "Inschrijving verlengen lukt niet online", "woningzoekenden", C.SYSTEM, IMP.MEDIUM, 11, 7, ("inschrijving verlengen",),
        "Het verlengen van de inschrijving in WoonNet Voorbeeldregio geeft een betaalfout.",
        "Woningzoekenden dreigen hun inschrijfduur te verliezen.",
        [(ACK, "We herstellen vervallen inschrijvingen van deze week handmatig.", 1)],
    ),
    Plan(
        "Storingslijn geeft verkeerd nummer door", "kcc", C.KNOWLEDGE, IMP.LOW, 8, 2, ("stroomstoring",),
        "Het bandje van de storingslijn noemt een oud nummer voor gasstoringen.",
    ),
]

# Raised as a duplicate of the third plan and merged into it by a team lead.
DUPLICATE_OF = {"Incasso neemt telefoon niet op": "Incasso onbereikbaar de ochtend na de herinneringsbrieven"}
MERGE_RESPONSE = "Zelfde probleem als het bestaande signaal over de bereikbaarheid van Incasso."
# Outcomes the demo user "agent" still has to see on the home page.
UNSEEN_FOR_DEMO = ("Onderhoudsabc: ontstoppen afvoer onduidelijk", "Huurverhoging: brief noemt verkeerd percentage")
