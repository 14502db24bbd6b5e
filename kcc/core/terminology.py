"""The organisation profile's vocabulary, in one place (setting KCC_ORGANISATION_KIND).

A municipality (``gemeente``, the default) speaks of *inwoners* and *de gemeente*; a housing
corporation (``woningcorporatie``) of *huurders*, *de corporatie* and, where the home matters,
the *verhuureenheid*. Nothing else in the code branches on those words:

- ``TERMS`` pairs each term's municipal msgid with its corporation msgid. Both are ordinary,
  translatable messages (context ``"organisation term"``, Dutch in ``django.po``).
- ``term(key)`` / ``term_lazy(key)`` give the current profile's word (forms, messages, mails);
  the ``{% term %}`` tag and the ``terms`` context variable do the same in templates
  (``kcc.core.templatetags.terminology``, ``kcc.core.context_processors.kcc``).
- Existing sentences keep their msgids ("the resident's question"): under the corporation
  profile the words of the ``SENTENCE_TERMS`` are swapped in every *translated* message
  (inwoner → huurder, inwoners → huurders, gemeente → corporatie), whole words only and
  keeping capitals. ``install()`` (called from the core app's ``ready()``) wraps Django's
  translation catalogues for that; under the municipal profile they answer exactly as before.

Panels that only make sense for a municipality (BRP, cases) ask ``is_municipality()`` or read
``settings.KCC_ORGANISATION_KIND``.
"""

import re

from django.conf import settings
from django.core import checks
from django.utils.functional import lazy
from django.utils.translation import pgettext, pgettext_lazy, trans_real

MUNICIPALITY = "gemeente"
CORPORATION = "woningcorporatie"
KINDS = (MUNICIPALITY, CORPORATION)

CONTEXT = "organisation term"

# key -> (municipal msgid, corporation msgid). Keys are the municipal English word; the Dutch
# words live in django.po under the context "organisation term" (see _messages below).
TERMS = {
    "resident": ("resident", "tenant"),
    "residents": ("residents", "tenants"),
    "municipality": ("municipality", "housing corporation"),
    "address": ("address", "rental unit"),
    "organisation": ("the municipality", "the corporation"),
    "portal": ("resident portal", "tenant portal"),
}
# The terms whose words are swapped inside translated sentences. "address" is not one of them:
# an e-mail address stays an address; the home is named a rental unit only where it matters
# (the customer's address, through {% term "address" %}).
SENTENCE_TERMS = ("resident", "residents", "municipality")
# Inside a sentence "de gemeente" becomes "de corporatie", not "de woningcorporatie".
SENTENCE_WORDS = {"municipality": "corporation"}


def _messages():  # pragma: no cover - never called: lets makemessages find every term with its context
    return [
        pgettext_lazy("organisation term", "resident"), pgettext_lazy("organisation term", "tenant"),
        pgettext_lazy("organisation term", "residents"), pgettext_lazy("organisation term", "tenants"),
        pgettext_lazy("organisation term", "municipality"), pgettext_lazy("organisation term", "housing corporation"),
        pgettext_lazy("organisation term", "corporation"),
        pgettext_lazy("organisation term", "address"), pgettext_lazy("organisation term", "rental unit"),
        pgettext_lazy("organisation term", "the municipality"), pgettext_lazy("organisation term", "the corporation"),
        pgettext_lazy("organisation term", "resident portal"), pgettext_lazy("organisation term", "tenant portal"),
    ]


def kind() -> str:
    return settings.KCC_ORGANISATION_KIND


def is_corporation() -> bool:
    return kind() == CORPORATION


def is_municipality() -> bool:
    return kind() == MUNICIPALITY


def term(key: str) -> str:
    """The current profile's word for `key` (a key of TERMS), translated."""
    municipal, corporation = TERMS[key]
    return pgettext(CONTEXT, corporation if is_corporation() else municipal)


term_lazy = lazy(term, str)


class Terms:
    """Template access: ``{{ terms.resident }}``; unknown keys raise like a missing key."""

    def __getitem__(self, key):
        if key not in TERMS:
            raise KeyError(key)
        return term(key)

    def __contains__(self, key):
        return key in TERMS


# --------------------------------------------------------------- sentences: the word swap --


def _keep_case(word: str, replacement: str) -> str:
    if word.isupper() and len(word) > 1:
        return replacement.upper()
    if word[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


class _Swap:
    """Whole-word, case-keeping replacement of the municipal words by the corporation's, built
    from the catalogue itself (so it follows the translations) and cached per catalogue."""

    def __init__(self, pairs: dict[str, str]):
        self.pairs = {k.lower(): v for k, v in pairs.items() if k and v and k.lower() != v.lower()}
        words = sorted(self.pairs, key=len, reverse=True)
        self.pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE) if words else None
        self.cache: dict[str, str] = {}

    def __call__(self, text):
        if self.pattern is None or not isinstance(text, str):
            return text
        try:
            return self.cache[text]
        except KeyError:
            pass
        result = self.pattern.sub(lambda m: _keep_case(m.group(0), self.pairs[m.group(0).lower()]), text)
        if len(self.cache) < 20000:
            self.cache[text] = result
        return result


class ProfileCatalog:
    """Wraps a DjangoTranslation's catalogue: under the corporation profile every translated
    message comes out with the corporation's words; otherwise it answers unchanged."""

    def __init__(self, inner):
        self._inner = inner
        self._swap = None

    def _lookup(self, msgid: str) -> str:
        value = self._inner.get(msgid)
        if value is None:
            value = self._inner.get((msgid, 0))
        if value is None:
            return msgid.split("\x04", 1)[-1]
        return value

    def swap(self) -> "_Swap":
        if self._swap is None:
            pairs = {}
            for key in SENTENCE_TERMS:
                municipal, corporation = TERMS[key]
                pairs[self._lookup(f"{CONTEXT}\x04{municipal}")] = self._lookup(f"{CONTEXT}\x04{SENTENCE_WORDS.get(key, corporation)}")
            self._swap = _Swap(pairs)
        return self._swap

    def _out(self, value):
        if value is None or not is_corporation():
            return value
        return self.swap()(value)

    # The mapping protocol GNUTranslations and DjangoTranslation use.
    def get(self, key, default=None):
        value = self._inner.get(key, _MISSING)
        return default if value is _MISSING else self._out(value)

    def __getitem__(self, key):
        return self._out(self._inner[key])

    def plural(self, msgid, num):
        return self._out(self._inner.plural(msgid, num))

    def __getattr__(self, name):  # __setitem__, __contains__, keys, items, update, copy
        return getattr(self._inner, name)

    def __setitem__(self, key, value):
        self._inner[key] = value

    def __contains__(self, key):
        return key in self._inner


_MISSING = object()


def _wrap(translation_object):
    catalog = getattr(translation_object, "_catalog", None)
    if catalog is not None and not isinstance(catalog, ProfileCatalog):
        translation_object._catalog = ProfileCatalog(catalog)
    return translation_object


_django_translation = trans_real.translation


def _translation(language):
    return _wrap(_django_translation(language))


def install() -> None:
    """Wrap every translation catalogue Django loads (once; idempotent)."""
    if trans_real.translation is not _translation:
        trans_real.translation = _translation
    for translation_object in list(trans_real._translations.values()):
        _wrap(translation_object)


@checks.register()
def check_organisation_kind(app_configs, **kwargs):
    value = settings.KCC_ORGANISATION_KIND
    if value not in KINDS:
        return [
            checks.Error(
                f"KCC_ORGANISATION_KIND={value!r} is not a known organisation profile.",
                hint=f"Use one of: {', '.join(KINDS)}.",
                id="kcc.E002",
            )
        ]
    return []
