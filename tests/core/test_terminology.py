"""The organisation profile (KCC_ORGANISATION_KIND) and its vocabulary (kcc/core/terminology.py)."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.utils.translation import gettext, ngettext, override, pgettext, trans_real

from kcc.core import terminology
from kcc.core.context_processors import terminology_context
from kcc.core.models import Customer
from kcc.core.terminology import CORPORATION, MUNICIPALITY, term, term_lazy

WORDS = {MUNICIPALITY: ("inwoner", "gemeente", "adres"), CORPORATION: ("huurder", "corporatie", "verhuureenheid")}


def test_the_default_profile_is_the_municipality(settings):
    assert settings.KCC_ORGANISATION_KIND == MUNICIPALITY
    assert terminology.is_municipality() and not terminology.is_corporation()


@pytest.mark.parametrize("value", ["gemeente", "woningcorporatie"])
def test_the_system_check_accepts_the_two_profiles(value):
    with override_settings(KCC_ORGANISATION_KIND=value):
        assert terminology.check_organisation_kind(None) == []


@pytest.mark.parametrize("value", ["corporatie", "Gemeente", "", "municipality"])
def test_the_system_check_refuses_any_other_profile(value):
    with override_settings(KCC_ORGANISATION_KIND=value):
        errors = terminology.check_organisation_kind(None)
        assert [e.id for e in errors] == ["kcc.E002"]
        assert "gemeente, woningcorporatie" in errors[0].hint
        with pytest.raises(SystemCheckError, match="KCC_ORGANISATION_KIND"):
            call_command("check")


def test_the_terms_follow_the_profile(organisation_kind):
    resident, municipality, address = WORDS[organisation_kind]
    with override("nl"):
        assert term("resident") == resident
        assert term("residents") == resident + "s"
        assert term("address") == address
        assert str(term_lazy("resident")) == resident
        assert term("organisation") == f"de {municipality}"
        assert term("municipality") == {MUNICIPALITY: "gemeente", CORPORATION: "woningcorporatie"}[organisation_kind]


def test_the_terms_are_translatable_messages_with_a_context():
    """English without a catalogue: the msgids themselves."""
    with override("en"):
        assert term("resident") == "resident"
        with override_settings(KCC_ORGANISATION_KIND=CORPORATION):
            assert term("resident") == "tenant"
            assert term("address") == "rental unit"
    with override("nl"):
        assert pgettext("organisation term", "tenant") == "huurder"


def test_the_template_tag_and_the_context_variable(organisation_kind):
    resident, _municipality, address = WORDS[organisation_kind]
    request = RequestFactory().get("/")
    context = Context(terminology_context(request))
    with override("nl"):
        html = Template('{% load terminology %}{% term "resident" %}|{% term "address" capital=True %}|{{ terms.residents }}|{{ kcc_organisation_kind }}').render(context)
    assert html == f"{resident}|{address.capitalize()}|{resident}s|{organisation_kind}"
    assert terminology_context(request)["kcc_is_corporation"] is (organisation_kind == CORPORATION)


def test_sentences_get_the_corporation_words_and_keep_their_grammar(organisation_kind):
    with override("nl"):
        sentence = gettext("The resident's question in your words.")
        title = gettext("Resident")
        plural = ngettext("%(n)s resident found", "%(n)s residents found", 3) % {"n": 3}
        model = str(Customer._meta.verbose_name)
    if organisation_kind == CORPORATION:
        assert sentence == "De vraag van de huurder in je eigen woorden."
        assert title == "Huurder"
        assert plural == "3 huurders gevonden"
    else:
        assert sentence == "De vraag van de inwoner in je eigen woorden."
        assert title == "Inwoner"
        assert plural == "3 inwoners gevonden"
    assert model  # lazy model strings go through the same catalogue


def _catalogue_messages():
    with override("nl"):
        catalog = trans_real.translation("nl")._catalog
        return catalog, list(catalog.keys())


def test_the_municipal_profile_answers_every_message_exactly_as_the_catalogue():
    catalog, keys = _catalogue_messages()
    inner = catalog._inner
    with override("nl"):
        for key in keys:
            if isinstance(key, str) and key:
                assert gettext(key) == inner.get(key), key


def test_no_translated_message_says_inwoner_or_gemeente_under_the_corporation_profile(corporation_profile):
    catalog, keys = _catalogue_messages()
    municipal = re.compile(r"\b(inwoners?|gemeenten?)\b", re.IGNORECASE)
    left = []
    for key in keys:
        value = catalog.get(key)
        if isinstance(value, str) and municipal.search(value):
            left.append(value)
    assert left == []
    # ... and the swap found something to do (the catalogue speaks of residents a lot).
    assert sum("huurder" in (catalog.get(k) or "").lower() for k in keys) > 40


def test_the_swap_keeps_capitals_and_whole_words():
    swap = terminology._Swap({"inwoner": "huurder", "inwoners": "huurders", "gemeente": "corporatie"})
    assert swap("Inwoner en inwoners van de gemeente; INWONER.") == "Huurder en huurders van de corporatie; HUURDER."
    assert swap("inwonend, gemeentelijke") == "inwonend, gemeentelijke"  # whole words only
    assert swap(None) is None


def test_install_is_idempotent_and_wraps_new_catalogues():
    terminology.install()
    terminology.install()
    assert trans_real.translation is terminology._translation
    with override("nl"):
        assert isinstance(trans_real.translation("nl")._catalog, terminology.ProfileCatalog)
        assert not isinstance(trans_real.translation("nl")._catalog._inner, terminology.ProfileCatalog)
