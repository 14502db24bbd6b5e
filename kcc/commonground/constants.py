"""Constants of the Common Ground integrations (BRP, Zaken, Catalogi)."""

# Data minimisation (AVG art. 5(1)(c)): the ONLY BRP fields this product ever asks for — what
# the agent needs to recognise the caller: name, date of birth, address, deceased. The
# confidentiality flag (geheimhoudingPersoonsgegevens) is always delivered by the BRP and
# may not be asked for. A search ("Zoek…") answers with a limited person (PersoonBeperkt)
# that has no `verblijfplaats` or `overlijden`, so it asks for the address lines instead;
# searches only find living persons. Anything beyond this list needs a new DPIA decision.
BRP_FIELDS = {
    "RaadpleegMetBurgerservicenummer": (
        "burgerservicenummer",
        "naam.voornamen",
        "naam.voorvoegsel",
        "naam.geslachtsnaam",
        "naam.volledigeNaam",
        "geboorte.datum",
        "verblijfplaats",
        "overlijden",
    ),
    "ZoekMetGeslachtsnaamEnGeboortedatum": (
        "burgerservicenummer",
        "naam.volledigeNaam",
        "geboorte.datum",
        "adressering.adresregel1",
        "adressering.adresregel2",
    ),
    "ZoekMetPostcodeEnHuisnummer": (
        "burgerservicenummer",
        "naam.volledigeNaam",
        "geboorte.datum",
        "adressering.adresregel1",
        "adressering.adresregel2",
    ),
}

BRP_SEARCH_BSN = "RaadpleegMetBurgerservicenummer"
BRP_SEARCH_NAME = "ZoekMetGeslachtsnaamEnGeboortedatum"
BRP_SEARCH_ADDRESS = "ZoekMetPostcodeEnHuisnummer"

# What the processing log records as "which search" (never the search terms themselves).
LOG_CONTEXT = {
    BRP_SEARCH_BSN: "brp:bsn",
    BRP_SEARCH_NAME: "brp:surname+birthdate",
    BRP_SEARCH_ADDRESS: "brp:postcode+housenumber",
    "adopt": "brp:adopt",
    "cases": "zaken:cases-by-bsn",
    "history": "zaken:status-history",
    "case": "zaken:case",
}

# The demo services (`manage.py run_demo_services`, started by `make run`).
DEMO_PORTS = {"brp": 8101, "zaken": 8102, "catalogi": 8103}
DEMO_BASE_PATHS = {"brp": "/haalcentraal/api/brp", "zaken": "/zaken/api/v1", "catalogi": "/catalogi/api/v1"}

# The browser gives up on a panel after this many milliseconds ("BRP niet bereikbaar" with a
# retry, static/js/commonground.js). The server's deadline (KCC_COMMONGROUND_TIMEOUT) stays
# below it with room for rendering: checks.py.
PANEL_GIVE_UP_MS = 2000
SERVER_MARGIN_SECONDS = 0.2
