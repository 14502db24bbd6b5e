"""Yearly access-rights review (BIO): who holds which role in which department.

    manage.py access_review                         # every department, plus accounts without a role
    manage.py access_review --department belastingen --output belastingen.csv

Semicolon-separated CSV (UTF-8; a file gets a byte-order mark so spreadsheets read the accents),
with department, username, full name, role, active, last login and date joined, for the
department's manager to confirm or correct. Cells that a spreadsheet would run as a formula are
neutralised. The same export is an action in the admin's department list.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kcc.core.admin_ops import access_review_header, access_review_rows, csv_text
from kcc.core.models import Department


class Command(BaseCommand):
    help = "Export the access-rights review (roles per department) as CSV."

    def add_arguments(self, parser):
        parser.add_argument("--department", metavar="CODE", help="only this department (its code, e.g. belastingen)")
        parser.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")

    def handle(self, *args, department=None, output=None, **options):
        departments = None
        if department:
            found = Department.objects.filter(code=department).first()
            if found is None:
                known = ", ".join(Department.objects.order_by("code").values_list("code", flat=True))
                raise CommandError(_("Unknown department %(code)s. Known: %(known)s") % {"code": department, "known": known})
            departments = [found]
        rows = access_review_rows(departments=departments)
        text = csv_text([access_review_header(), *rows])
        if not output:
            self.stdout.write(text, ending="")
            return
        path = Path(output)
        try:
            path.write_text("\ufeff" + text, encoding="utf-8", newline="")
        except OSError as exc:
            raise CommandError(_("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from exc
        self.stderr.write(_("%(rows)d rows written to %(path)s") % {"rows": len(rows), "path": path})
