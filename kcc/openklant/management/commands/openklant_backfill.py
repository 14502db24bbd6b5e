import sys
import time

from django.core.management.base import BaseCommand, CommandError

from kcc.openklant.backfill import RegisterDown, backfill_run, backfill_total
from kcc.openklant.constants import SyncKind
from kcc.openklant.models import BackfillCursor
from kcc.openklant.services import KIND_ORDER, sync_enabled


class Command(BaseCommand):
    help = (
        "Push every customer, closed contact, callback and callback attempt to the Open Klant "
        "register (Klantinteracties API). Resumes where an interrupted run stopped; --restart "
        "starts again from the first object (nothing is created twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=[k.value for k in SyncKind], action="append", help="Only these kinds (repeatable).")
        parser.add_argument("--batch", type=int, default=200)
        parser.add_argument("--restart", action="store_true", help="Forget the cursors and go through everything again.")
        parser.add_argument("--limit", type=int, default=None, help="Stop after about this many objects (a trial run).")

    def handle(self, *args, kind=None, batch=200, restart=False, limit=None, **options):
        if not sync_enabled():
            raise CommandError("KCC_OPENKLANT_URL is empty: the Open Klant sync is off.")
        kinds = [k for k in KIND_ORDER if not kind or k in kind]
        if restart:
            BackfillCursor.objects.filter(kind__in=kinds).delete()
        total = backfill_total(kinds)
        if limit is not None:
            total = min(total, limit)
        done = 0
        started = time.monotonic()
        tty = sys.stdout.isatty()

        def progress(k, n):
            nonlocal done
            done += n
            if tty or done % 1000 == 0 or done == total:
                rate = done / max(0.001, time.monotonic() - started)
                line = f"{done}/{total} ({100 * done // max(1, total)}%) {rate:.0f}/s {k}"
                self.stdout.write(("\r" + line) if tty else line, ending="")
                if not tty:
                    self.stdout.write("")
                self.stdout.flush()

        try:
            counts = backfill_run(kinds=kinds, batch=batch, progress=progress, limit=limit)
        except RegisterDown:
            raise CommandError(f"The register does not answer (after {done} objects). Run the command again to resume.") from None
        except KeyboardInterrupt:
            raise CommandError(f"Interrupted after {done} objects. Run the command again to resume.") from None
        elapsed = time.monotonic() - started
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"{done} objects in {elapsed:.1f} s ({done / max(elapsed, 0.001):.0f}/s): "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        ))
