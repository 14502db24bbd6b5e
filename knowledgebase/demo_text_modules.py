"""Demo text modules (tekstblokken): a few per department and channel, through the service.
Idempotent: only modules whose title is missing are made."""

from kcc.core.exceptions import DomainError

from .models import TextModule
from .text_modules import text_module_save

# department code (None: general), channel ("" every written channel), title, text
TEXT_MODULES = [
    (None, "", "Aanhef en afsluiting", "Beste {inwoner},\n\n\n\nMet vriendelijke groet,\n{medewerker}\nKlantcontactcentrum {organisatie}"),
    (None, "email", "Wij komen erop terug", "Dank voor uw bericht. Wij zoeken dit voor u uit en komen er binnen 3 werkdagen op terug. Vermeld bij een reactie ons kenmerk KCC-{contactnummer}."),
    (None, "whatsapp", "Meer informatie nodig", "Dank voor uw bericht, {inwoner}. Kunt u ons uw postcode en huisnummer sturen? Dan zoeken wij het voor u uit."),
    ("afval", "", "Afvalpas kwijt: nieuwe aanvragen", "Een nieuwe afvalpas vraagt u aan via de website van {organisatie}. U ontvangt de pas binnen 5 werkdagen thuis; de oude pas wordt geblokkeerd."),
    ("afval", "email", "Container niet geleegd", "Wat vervelend dat uw container niet is geleegd. Wij hebben dit doorgegeven aan de inzamelaar; uw container wordt binnen 2 werkdagen alsnog geleegd als hij aan de straat staat."),
    ("belastingen", "", "Kwijtschelding aanvragen", "Kwijtschelding van de gemeentelijke belastingen vraagt u online aan met uw DigiD. U krijgt binnen 8 weken een besluit."),
    ("belastingen", "email", "Bezwaar WOZ-waarde", "U kunt binnen 6 weken na de dagtekening van de aanslag bezwaar maken tegen de WOZ-waarde. Dat kan online met uw DigiD."),
    ("burgerzaken", "", "Afspraak paspoort of ID-kaart", "Voor een paspoort of ID-kaart maakt u een afspraak via de website. Neem een pasfoto en uw huidige document mee."),
    ("parkeren", "", "Parkeervergunning aanvragen", "Een parkeervergunning vraagt u online aan. U heeft uw kenteken en DigiD nodig."),
]


def seed(out, departments: dict, editor) -> None:
    have = set(TextModule.objects.values_list("title", flat=True))
    made = 0
    for code, channel, title, body in TEXT_MODULES:
        department = departments.get(code) if code else None
        if title in have or (code and department is None):
            continue
        try:
            text_module_save(user=editor, title=title, body=body, department=department, channel=channel)
        except DomainError:  # the demo's editor may not keep this one (e.g. not central): skip it
            continue
        made += 1
    out(f"  tekstblokken: {made} nieuw")
