"""Callbacks of the demo housing corporation "Woonstichting Voorbeeldwonen"
(KCC_ORGANISATION_KIND=woningcorporatie), for the same seeder as the municipality's
(callbacks/demo.py). The frustrations of its KCC show in the figures: the opzichters of
Reparaties en onderhoud call tenants back late, and Incasso lags after its reminder letters."""

# Share of callbacks closed on time per department (others: callbacks.demo.ON_TIME).
LAGGING = {"reparaties": 0.62, "incasso": 0.72}
# Departments that get more callbacks than the others.
BUSY = ("reparaties", "incasso", "verhuur")

QUESTIONS = {
    "reparaties": [
        "Huurder wacht al twee weken op de opzichter over de schimmel in de slaapkamer.",
        "Aannemer is niet op de afspraak verschenen; huurder had vrij genomen en wil een nieuwe afspraak.",
        "Huurder wil weten wanneer het kozijn wordt vervangen; de aannemer belde niet terug.",
        "Lekkage is gerepareerd maar het plafond is nog niet hersteld.",
        "Huurder vraagt of de opzichter wil langskomen voor scheuren in de gevel.",
        "Cv-ketel is drie keer gerepareerd en valt steeds weer uit.",
    ],
    "incasso": [
        "Huurder wil een betalingsregeling voor drie maanden achterstand.",
        "Huurder heeft een aanmaning ontvangen terwijl de huur al betaald was.",
        "Brief van de deurwaarder ontvangen; huurder wil vandaag iemand van Incasso spreken.",
        "Vraag over incassokosten na de 14-dagenbrief.",
        "Huurder heeft een termijn van de regeling gemist en wil weten wat nu.",
    ],
    "verhuur": [
        "Huurder wil de huur opzeggen en vraagt naar de voorinspectie.",
        "Bezwaar tegen de huurverhoging; huurder wil uitleg over het percentage.",
        "Voortzetting van de huur na overlijden van de moeder van de huurder.",
        "Vraag over toestemming voor een nieuwe keuken (zelf aangebrachte voorziening).",
    ],
    "wijkbeheer": [
        "Huurder meldt al weken geluidsoverlast van de bovenburen en heeft een overlastdagboek.",
        "Zorgen om een oudere buurvrouw; de woonconsulent wordt gevraagd langs te gaan.",
        "Rommel in het trappenhuis blijft staan na de eerdere melding.",
    ],
    "woningzoekenden": [
        "Inschrijving is verlopen; woningzoekende wil de inschrijfduur herstellen.",
        "Woningzoekende vraagt naar de uitslag van een reactie op een woning.",
    ],
    "kcc": [
        "Huurder wil teruggebeld worden over een eerder gegeven antwoord.",
    ],
}
OUTCOMES = [
    "Uitleg gegeven; huurder is tevreden.",
    "Nieuwe afspraak met de aannemer gemaakt.",
    "Betalingsregeling afgesproken en bevestigd per e-mail.",
    "Opzichter komt langs; afspraak gemaakt.",
    "Huurder doorverwezen naar het huurdersportaal.",
]
CALLBACK_NOTES = ["", "", "Huurder is slechthorend: rustig praten.", "Liefst na 14:00 bellen, werkt 's ochtends."]
CANCEL_REASON = "Huurder belde zelf opnieuw en is door het KCC geholpen."
