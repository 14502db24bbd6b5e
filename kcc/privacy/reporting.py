"""Error reports without personal data.

Django's SafeExceptionReporterFilter already hides settings that look like secrets and the
POST parameters a view marks with @sensitive_post_parameters. The KCC's forms carry personal
data in many fields (a BSN, names, addresses, phone numbers, e-mail addresses, message texts,
free search text), so this filter hides every POST parameter whose name looks like one of them,
on every view, plus the query string's free-text parameters, and the request's META values that
carry them (QUERY_STRING, the Referer).
"""

import logging
import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# Field names (or parts of them) that can hold personal data anywhere in the project.
SENSITIVE_NAME_RE = re.compile(
    r"bsn|name|naam|phone|telefoon|caller|email|e_mail|mail|address|adres|street|straat|postcode|"
    r"house|huisnummer|city|plaats|question|vraag|note|notitie|body|text|tekst|subject|onderwerp|"
    r"reason|reden|outcome|sender|recipient|description|^q$|search|zoek|klant-q|customer",
    re.IGNORECASE,
)


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hide every parameter that can hold personal data, in every error report."""

    def is_active(self, request):
        # Also in DEBUG: a developer's screen or a pasted traceback is an error report too.
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        cleansed = super().get_post_parameters(request).copy()
        for name in list(cleansed.keys()):
            if SENSITIVE_NAME_RE.search(name):
                cleansed[name] = self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        # Local variables hold customers (whose repr is their name), forms and cleaned data:
        # show the names of the variables, never their values.
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        for key in ("QUERY_STRING", "HTTP_REFERER", "HTTP_HX_CURRENT_URL", "HTTP_COOKIE"):
            if key in meta and meta[key]:
                meta[key] = self.cleansed_substitute
        return meta



class PersonalDataExceptionReporter(ExceptionReporter):
    """The report itself: no query string in the request URL and no GET values (Django does not
    pass those through the filter). The app keeps personal data out of URLs; this makes sure an
    old link or a stray parameter does not end up in an ADMINS mail."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = [(k, self.filter.cleansed_substitute) for k in self.request.GET]
            uri = data.get("request_insecure_uri") or ""
            data["request_insecure_uri"] = uri.split("?", 1)[0]
        return data


# Patterns that look like personal data in a log line or an exception message (a database error
# quotes the offending value: 'Key (bsn)=(123456782) already exists').
_SCRUB_RES = [
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"(?<![\w+])(?:\+|00)[1-9](?:[\s().-]?\d){7,14}(?![\w])"),  # international phone numbers
    re.compile(r"(?<![\w])0\d(?:[\s().-]?\d){8}(?![\w])"),  # Dutch phone numbers (06-12345678, 020 123 4567)
    re.compile(r"(?<![\w])\d{8,9}(?![\w])"),  # BSNs (9 digits, or 8 without the leading zero)
    re.compile(r"(?<![\w])\d{4}\s?[A-Z]{2}(?![\w])"),  # Dutch postcodes
]
REDACTED = "[afgeschermd]"


def scrub(text: str) -> str:
    for pattern in _SCRUB_RES:
        text = pattern.sub(REDACTED, text)
    return text


class PersonalDataLogFilter(logging.Filter):
    """Defence in depth for the log handlers: redact what looks like an e-mail address, phone
    number, BSN or postcode from the message and the exception text. The code itself logs ids,
    never personal data; this catches what libraries and database errors quote."""

    _formatter = logging.Formatter()

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not break the request
            return True
        record.msg, record.args = scrub(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True
