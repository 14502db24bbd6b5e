"""The inbox demo of the housing corporation "Woonstichting Voorbeeldwonen"
(KCC_ORGANISATION_KIND=woningcorporatie): the same seeder as the municipality's
(channels/demo.py), these subjects and words. Repair requests are the largest share."""

# department code -> (weight, [(subject, question), ...])
TOPICS = {
    "reparaties": (34, [
        ("Lekkage badkamer", "Er komt water door het plafond van de badkamer, het lekt bij de bovenburen door."),
        ("Cv-ketel storing", "Mijn cv-ketel geeft een foutcode en de verwarming blijft koud."),
        ("Geen warm water", "Sinds vanochtend heb ik geen warm water meer."),
        ("Kraan lekt", "De keukenkraan blijft druppelen. Komen jullie die maken?"),
        ("Afvoer verstopt", "De douche loopt niet meer door, het water blijft staan."),
        ("Schimmel in de slaapkamer", "Er zit zwarte schimmel op de muur in de slaapkamer, ondanks dat ik ventileer."),
        ("Aannemer niet gekomen", "De monteur zou vanochtend komen voor mijn kozijn maar is niet verschenen. Ik had vrij genomen."),
        ("Status reparatieverzoek", "Ik heb twee weken geleden een reparatie gemeld via de app en niets meer gehoord."),
        ("Voordeur sluit niet", "Mijn voordeur valt niet meer in het slot."),
        ("Ventilatie maakt lawaai", "De ventilatiebox op zolder maakt een hard zoemend geluid."),
        ("Stroomstoring", "De aardlekschakelaar slaat steeds af, ik heb geen stroom in de keuken."),
    ]),
    "incasso": (18, [
        ("Huurachterstand", "Ik kan de huur deze maand niet betalen. Wat moet ik doen?"),
        ("Betalingsregeling", "Kan ik mijn achterstand in termijnen betalen?"),
        ("Aanmaning ontvangen", "Ik heb een aanmaning gekregen maar ik heb de huur al betaald."),
        ("Brief deurwaarder", "Ik heb een brief van de deurwaarder gekregen over een ontruiming."),
        ("Automatische incasso", "Hoe regel ik dat de huur automatisch wordt afgeschreven?"),
        ("Huurtoeslag", "Kan ik huurtoeslag krijgen voor deze woning?"),
    ]),
    "verhuur": (16, [
        ("Huur opzeggen", "Ik ga samenwonen en wil mijn huur opzeggen. Hoe gaat dat?"),
        ("Huurverhoging", "Waarom gaat mijn huur per 1 juli zo veel omhoog?"),
        ("Bezwaar huurverhoging", "Ik wil bezwaar maken tegen de huurverhoging."),
        ("Woningruil", "Ik wil mijn woning ruilen met een huurder in een andere wijk."),
        ("Medehuurderschap", "Mijn partner woont al drie jaar bij mij. Kan zij op het contract?"),
        ("Voorinspectie", "Wanneer komt iemand voor de voorinspectie? Ik verhuis over vier weken."),
    ]),
    "wijkbeheer": (12, [
        ("Geluidsoverlast buren", "Mijn bovenburen maken elke nacht lawaai. Ik heb ze al aangesproken."),
        ("Rommel in portiek", "In ons portiek staan al weken vuilniszakken en een oude kast."),
        ("Vermoeden woonfraude", "In de woning naast mij lijkt niemand te wonen, er komen steeds andere mensen."),
        ("Zorgen om buurvrouw", "Ik heb mijn oudere buurvrouw al een week niet gezien."),
        ("Overlast hond", "De hond van de buren blaft de hele dag als ze weg zijn."),
    ]),
    "woningzoekenden": (12, [
        ("Inschrijven woningzoekende", "Hoe schrijf ik mij in voor een huurwoning?"),
        ("Inschrijving verlengen", "Mijn inschrijving is verlopen. Ben ik mijn inschrijfduur nu kwijt?"),
        ("Wachttijd", "Hoe lang moet ik nog wachten op een eengezinswoning?"),
        ("Urgentie", "Ik moet door mijn scheiding snel een woning hebben. Kan ik urgentie krijgen?"),
        ("Reactie op woning", "Ik heb gereageerd op een woning. Wanneer hoor ik of ik hem krijg?"),
    ]),
}

TRANSFER_REASONS = [
    "Huurder wil de opzichter spreken over de planning van de reparatie.",
    "Vraag over een lopende betalingsregeling; alleen Incasso kan die inzien.",
    "Inhoudelijke vraag, niet te beantwoorden met de kennisbank.",
    "Huurder is boos over een gemiste afspraak en vraagt om een leidinggevende.",
    "Dreigende ontruiming: volgens afspraak altijd doorverbinden met Incasso.",
]
NOT_FOR_US_NOTES = [
    "Dit is een reparatie, geen vraag over het huurcontract.",
    "Hoort bij Incasso (betalingsregeling), niet bij Verhuur.",
    "Overlast hoort bij Wijkbeheer.",
    "Woningruil is Verhuur, niet Woningzoekenden.",
    "",
]
EMAIL_GREETINGS = ["Geachte heer/mevrouw,", "Beste medewerker,", "Goedemiddag,", "Hallo,", "Beste Voorbeeldwonen,"]
EMAIL_CLOSINGS = ["Met vriendelijke groet,", "Groeten,", "Alvast bedankt,", "Vriendelijke groet,"]
ANONYMOUS_MAILBOX = "huurder"
REPLY_TEXT = (
    "Dank voor uw bericht. In het onderhoudsabc en in het huurdersportaal vindt u hoe u dit regelt. "
    "Komt u er niet uit, bel dan 088 123 45 00."
)
