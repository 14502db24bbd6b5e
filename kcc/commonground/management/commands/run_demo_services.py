"""`manage.py run_demo_services`: the loopback doubles of the BRP, Zaken and Catalogi APIs as
demo services for `make run` (Procfile), answering for the demo residents.

Never with production settings. The fixtures are rebuilt from the customer table every
``--refresh`` seconds, so residents added in the demo are found in the demo BRP too.
"""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kcc.commonground.constants import DEMO_PORTS
from kcc.commonground.doubles import start_doubles
from kcc.commonground.fixtures import fixtures_for_residents
from kcc.core.models import Customer

RESIDENT_FIELDS = ("pk", "first_name", "name_prefix", "last_name", "birth_date", "street", "house_number", "house_number_addition", "postcode", "city", "bsn")


def demo_residents() -> list[dict]:
    return list(Customer.objects.filter(merged_into__isnull=True, erased_at__isnull=True, restricted_at__isnull=True).values(*RESIDENT_FIELDS))


def _port(url: str, api: str) -> int:
    parts = urlsplit(url)
    if url and parts.hostname not in ("127.0.0.1", "localhost"):
        raise CommandError(f"KCC_{api.upper()}_URL points at {parts.hostname}, not at the loopback demo services.")
    return parts.port or DEMO_PORTS[api]


class Command(BaseCommand):
    help = "Start the demo BRP, Zaken and Catalogi services on loopback (make run). Never in production."

    def add_arguments(self, parser):
        parser.add_argument("--refresh", type=int, default=60, help="Seconds between rebuilding the fixtures from the demo residents.")
        parser.add_argument("--once", action="store_true", help="Start, report the addresses and stop (for tests).")

    def handle(self, *args, refresh: int, once: bool, **options):
        if settings.SETTINGS_MODULE == "kcc.settings.prod":
            raise CommandError("The demo services never run with production settings.")
        if settings.KCC_ORGANISATION_KIND != "gemeente":
            # A housing corporation has no BRP or cases. Idle instead of ending: honcho stops
            # web, worker and beat when one process of `make run` ends.
            self.stdout.write("demo: no BRP or case services for a housing corporation")
            while not once:
                time.sleep(3600)
            return
        ports = {api: _port(url, api) for api, url in (("brp", settings.KCC_BRP_URL), ("zaken", settings.KCC_ZAKEN_URL), ("catalogi", settings.KCC_CATALOGI_URL))}
        residents = demo_residents()
        doubles = start_doubles(lambda **kw: fixtures_for_residents(residents, **kw), ports=ports)
        for api, d in doubles.items():
            self.stdout.write(f"demo {api}: {d.url}")
        self.stdout.write(f"demo: {len(residents)} residents in the demo BRP (fixtures rebuilt every {refresh} s)")
        try:
            while not once:
                time.sleep(refresh)
                residents = demo_residents()
                fixtures = fixtures_for_residents(residents, base_zaken=doubles["zaken"].url, base_catalogi=doubles["catalogi"].url)
                for d in doubles.values():
                    d.fixtures = fixtures
                    for v in d.violations:
                        self.stderr.write(f"contract violation: {v}")
                    d.violations.clear()
        except KeyboardInterrupt:
            pass
        finally:
            for d in doubles.values():
                d.stop()
