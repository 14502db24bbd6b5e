"""Load realistic Dutch demo data. Idempotent: running it again only adds what is missing.

Each app may provide a `demo` module with a `seed(out)` function; they run in dependency
order (core first, dashboard last).
"""

import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

ORDER = ["core", "knowledgebase", "inbox", "callbacks", "signalboard", "dashboard"]


class Command(BaseCommand):
    help = "Load realistic demo data (departments, staff, residents, contacts, ...). Idempotent."

    def handle(self, *args, **options):
        from kcc.core.demo import DEMO_PASSWORD, key_staff

        def out(msg):
            self.stdout.write(msg)

        self.stdout.write(f"Demodata laden voor {settings.KCC_ORGANISATION_NAME} (profiel {settings.KCC_ORGANISATION_KIND})…")
        for label in ORDER:
            config = apps.get_app_config(label)
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            self.stdout.write(f"- {config.verbose_name}")
            module.seed(out)
        self.stdout.write(self.style.SUCCESS("Demodata klaar."))
        self.stdout.write(f"Demo-inloggegevens (wachtwoord voor iedereen: {DEMO_PASSWORD}):")
        for username, _first, _last, role, dep in key_staff():
            self.stdout.write(f"  {username:<12} {role.label} ({dep})")
