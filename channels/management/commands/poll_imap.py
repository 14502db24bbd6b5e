"""manage.py poll_imap — poll the KCC mailbox once (the beat task does the same every
KCC_IMAP_POLL_SECONDS). Connection settings come from KCC_IMAP_*; options override them."""

from django.core.management.base import BaseCommand, CommandError

from channels.ingestion.imap import imap_poll, imap_settings


class Command(BaseCommand):
    help = "Fetch new e-mail from the IMAP mailbox, store it, and move it to the processed folder."

    def add_arguments(self, parser):
        parser.add_argument("--host")
        parser.add_argument("--port", type=int)
        parser.add_argument("--user")
        parser.add_argument("--password")
        parser.add_argument("--mailbox")
        parser.add_argument("--processed-folder")
        parser.add_argument("--no-ssl", action="store_true", help="Plain IMAP (only for a server on the same machine).")
        parser.add_argument("--limit", type=int, help="At most this many messages.")

    def handle(self, *args, **options):
        config = imap_settings()
        for key in ("host", "port", "user", "password", "mailbox", "processed_folder"):
            if options.get(key) not in (None, ""):
                config[key] = options[key]
        if options["no_ssl"]:
            config["ssl"] = False
        if not config["host"]:
            raise CommandError("No IMAP server: set KCC_IMAP_HOST or pass --host.")
        try:
            summary = imap_poll(**config, limit=options.get("limit"))
        except Exception as exc:  # noqa: BLE001 - connection or login failure: a clear message, exit 1
            raise CommandError(f"IMAP poll of {config['host']}:{config['port']} failed: {exc.__class__.__name__}: {exc}") from exc
        counts = ", ".join(f"{k} {v}" for k, v in summary.counts.items())
        self.stdout.write(f"{summary.mailbox} (UIDVALIDITY {summary.uidvalidity}): {counts}; moved {summary.moved}")
        for error in summary.errors:
            self.stderr.write(error)
        if summary.counts["failed"]:
            raise CommandError(f"{summary.counts['failed']} message(s) could not be stored; they stay in the mailbox.", returncode=1)
