import pytest

from signals import selectors
from signals.selectors import signal_similar, token_similarity

from .factories import EvidenceFactory, SignalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["trigram", "token overlap"])
def backend(request, monkeypatch):
    """Run each test with PostgreSQL trigrams and with the fallback used on SQLite."""
    if request.param == "token overlap":
        monkeypatch.setattr(selectors, "_use_trigram", lambda: False)
    return request.param


def titles(found):
    return [s.title for s in found]


def test_similar_open_signal_is_found_while_typing(backend, belastingen, burgerzaken):
    SignalFactory(title="Belastingen onbereikbaar na aanslagen", department=belastingen)
    SignalFactory(title="Paspoort aanvragen duurt weken", department=burgerzaken)
    found = signal_similar(text="belastingen onbereikbaar", department=belastingen)
    assert titles(found) == ["Belastingen onbereikbaar na aanslagen"]


def test_word_forms_still_match(backend, belastingen):
    SignalFactory(title="Brief parkeervergunning onduidelijk", department=belastingen)
    assert titles(signal_similar(text="parkeervergunningen brief", department=None)) == ["Brief parkeervergunning onduidelijk"]


def test_closed_and_merged_signals_are_not_suggested(backend, belastingen):
    SignalFactory(title="Aannemer komt afspraken niet na", department=belastingen, resolved=True)
    SignalFactory(title="Aannemer komt afspraken niet na", department=belastingen, rejected=True)
    assert signal_similar(text="aannemer komt afspraken niet na", department=belastingen) == []


def test_same_department_ranks_first(backend, belastingen, burgerzaken):
    SignalFactory(title="Wachttijd telefoon te lang", department=burgerzaken)
    SignalFactory(title="Wachttijd telefoon te lang", department=belastingen)
    found = signal_similar(text="wachttijd telefoon", department=belastingen)
    assert [s.department for s in found] == [belastingen, burgerzaken]
    assert found[0].score > found[1].score


def test_unrelated_text_suggests_nothing(backend, belastingen):
    SignalFactory(title="Afvalpas werkt niet bij de container", department=belastingen)
    assert signal_similar(text="rijbewijs verlengen", department=None) == []


def test_description_words_count_too(backend, belastingen):
    SignalFactory(title="Veel telefoontjes na brief", description="De herinnering over de hondenbelasting noemt een verkeerde vervaldatum.", department=belastingen)
    assert titles(signal_similar(text="hondenbelasting vervaldatum", department=None)) == ["Veel telefoontjes na brief"]


def test_without_text_the_departments_open_signals_come_by_evidence(backend, belastingen, burgerzaken):
    few = SignalFactory(title="Weinig", department=belastingen)
    many = SignalFactory(title="Veel", department=belastingen)
    SignalFactory(title="Andere afdeling", department=burgerzaken)
    for _ in range(2):
        EvidenceFactory(signal=many)
    found = signal_similar(text="", department=belastingen)
    assert [s.pk for s in found] == [many.pk, few.pk]
    assert found[0].evidence_count == 2 and found[0].score is None
    assert signal_similar(text="", department=None) == []


def test_limit_and_exclusions(backend, belastingen):
    signals = [SignalFactory(title=f"Storing betaalautomaat balie {i}", department=belastingen) for i in range(4)]
    assert len(signal_similar(text="storing betaalautomaat", department=belastingen, limit=2)) == 2
    found = signal_similar(text="storing betaalautomaat", department=belastingen, exclude_ids=[signals[0].pk])
    assert signals[0].pk not in [s.pk for s in found]


def test_suggestions_respect_the_users_scope(backend, backoffice_burgerzaken, belastingen):
    SignalFactory(title="Belastingen onbereikbaar na aanslagen", department=belastingen)
    assert signal_similar(text="belastingen onbereikbaar", department=None, user=backoffice_burgerzaken) == []


def test_token_similarity_scores():
    assert token_similarity("", "iets") == 0.0
    assert token_similarity("de het een", "iets") == 0.0  # only stop words
    assert token_similarity("aannemer afspraken", "Aannemer komt afspraken niet na") >= 0.8
    assert token_similarity("paspoort", "Aannemer komt afspraken niet na") == 0.0
