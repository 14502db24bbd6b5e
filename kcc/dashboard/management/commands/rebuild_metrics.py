from datetime import date

from django.core.management.base import BaseCommand, CommandError

from kcc.dashboard.services import metrics_rebuild


class Command(BaseCommand):
    help = "Recompute the dashboard's metric facts from the source data (all days, or from --from DATE)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", metavar="DATE", help="First day to recompute (YYYY-MM-DD). Facts of earlier days are kept.")

    def handle(self, *args, date_from=None, **options):
        start = None
        if date_from:
            try:
                start = date.fromisoformat(date_from)
            except ValueError:
                raise CommandError(f"--from expects a date as YYYY-MM-DD, not {date_from!r}.") from None
        result = metrics_rebuild(date_from=start)
        self.stdout.write(
            self.style.SUCCESS(
                f"Metrics rebuilt: {result.contact_days} contact days and {result.callback_days} callback days in {result.duration_ms} ms."
            )
        )
