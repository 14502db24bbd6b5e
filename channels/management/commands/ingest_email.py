"""manage.py ingest_email PATH... — ingest .eml files, directories of them, or mbox files.

Every message ends up exactly once: new (a new contact), threaded (added to an existing
contact), duplicate (already stored), or quarantined (kept with the reason, for a team lead).
Files in a directory that are neither .eml nor mbox are not read: each is listed as skipped and
counted in the summary, so a folder of .msg or .txt files never reports a silent "new 0".
Exit status 0 unless a message could not be stored at all (unreadable file, database down).
"""

import mailbox
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from channels.constants import InboundSource
from channels.ingestion import ingest_email

BUCKETS = ("new", "threaded", "duplicate", "quarantined", "pending", "failed")
MBOX_SUFFIXES = (".mbox", ".mbx")


def is_mbox(path: Path) -> bool:
    """An mbox starts with a 'From ' separator line; an .eml does not (or rarely: an .eml saved
    with an mbox separator is still one message, so the suffix decides then)."""
    if path.suffix.lower() in MBOX_SUFFIXES:
        return True
    if path.suffix.lower() == ".eml":
        return False
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError:
        return False


class Command(BaseCommand):
    help = "Ingest e-mail from .eml files, directories of .eml/.mbox files, or mbox files."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help=".eml file, directory, or mbox file")
        parser.add_argument("--quiet-items", action="store_true", help="Only print the summary.")

    def handle(self, *args, paths, quiet_items=False, **options):
        self.counts = dict.fromkeys(BUCKETS, 0)
        self.skipped = 0
        self.quiet_items = quiet_items or options.get("verbosity", 1) < 1
        for name in paths:
            path = Path(name)
            if not path.exists():
                self._failed(path, "does not exist")
            elif path.is_dir():
                files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
                for file in files:
                    if file.suffix.lower() in (".eml", *MBOX_SUFFIXES):
                        self._ingest_path(file)
                    else:
                        self._skipped(file)
            else:
                self._ingest_path(path)
        summary = ", ".join(f"{bucket} {self.counts[bucket]}" for bucket in BUCKETS)
        summary += f", skipped {self.skipped} file(s) (not .eml or .mbox)"
        self.stdout.write(f"Summary: {summary}")
        if self.counts["failed"]:
            raise CommandError(f"{self.counts['failed']} message(s) could not be stored.", returncode=1)

    def _ingest_path(self, path: Path) -> None:
        if is_mbox(path):
            self._ingest_mbox(path)
            return
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._failed(path, exc.strerror or str(exc))
            return
        self._ingest(data, label=str(path), meta={"path": str(path)})

    def _ingest_mbox(self, path: Path) -> None:
        try:
            box = mailbox.mbox(path, create=False)
            keys = list(box.iterkeys())
        except (OSError, mailbox.Error) as exc:
            self._failed(path, str(exc))
            return
        for index, key in enumerate(keys):
            try:
                data = box.get_bytes(key)
            except Exception as exc:  # noqa: BLE001 - a broken entry: counted, the rest goes on
                self._failed(path, f"message {index}: {exc}")
                continue
            self._ingest(data, label=f"{path}#{index}", meta={"path": str(path), "mbox_index": index})

    def _ingest(self, data: bytes, *, label: str, meta: dict) -> None:
        try:
            result = ingest_email(raw=data, source=InboundSource.EMAIL_FILE, meta=meta)
        except Exception as exc:  # noqa: BLE001 - nothing stored: report and go on
            self._failed(label, f"{exc.__class__.__name__}: {exc}")
            return
        bucket = result.label if result.label in self.counts else "pending"
        self.counts[bucket] += 1
        if not self.quiet_items:
            extra = f" contact {result.contact_id}" if result.contact_id else ""
            reason = f": {result.reason}" if bucket in ("quarantined", "pending") and result.reason else ""
            self.stdout.write(f"{bucket:<11} {label} (inbound {result.raw_id}){extra}{reason}")

    def _skipped(self, path: Path) -> None:
        self.skipped += 1
        if not self.quiet_items:
            self.stdout.write(f"{'skipped':<11} {path} (not .eml or .mbox)")

    def _failed(self, label, reason: str) -> None:
        self.counts["failed"] += 1
        self.stderr.write(f"failed      {label}: {reason}")
