"""Quoted replies are left out of previews, snippets and suggestion searches
(mail-parser-reply plus the Dutch headers it misses); the stored message keeps everything."""

import pytest

from channels.ingestion.text import reply_snippet, strip_quoted_reply
from channels.selectors import article_suggestions

from ..factories import ContactFactory, MessageFactory

GMAIL_NL = """Hallo,

Ik heb nog steeds geen nieuwe afvalpas ontvangen.

Groet, Jan

Op ma 2 mrt 2026 om 10:15 schreef KCC Gemeente Voorbeeldstad <kcc@voorbeeldstad.example>:
> Beste heer Jansen,
>
> U ontvangt de pas binnen 5 werkdagen.
"""

OUTLOOK_NL = """Dank u, dat is duidelijk. Ik wacht de brief af.

-----Oorspronkelijk bericht-----
Van: KCC Gemeente Voorbeeldstad <kcc@voorbeeldstad.example>
Verzonden: maandag 2 maart 2026 10:15
Aan: Jan Jansen <jan.jansen@example.nl>
Onderwerp: RE: parkeervergunning

Beste heer Jansen, uw parkeervergunning is verlengd.
"""

OUTLOOK_NL_WITHOUT_SEPARATOR = """Mijn huisnummer is 12a, niet 12.

Van: KCC Gemeente Voorbeeldstad <kcc@voorbeeldstad.example>
Verzonden: maandag 2 maart 2026 10:15
Aan: Jan Jansen <jan.jansen@example.nl>
Onderwerp: RE: adreswijziging

Beste heer Jansen, wij hebben uw adres gewijzigd.
"""

GMAIL_EN = """Thanks, that helps.

On Mon, 2 Mar 2026 at 10:15, KCC Gemeente Voorbeeldstad <kcc@voorbeeldstad.example> wrote:
> Dear Mr Jansen,
> your card is on its way.
"""

APPLE_NL = """Goedemiddag, de container is nog steeds niet vervangen.

Op 2 mrt 2026, om 10:15 heeft KCC Gemeente Voorbeeldstad <kcc@voorbeeldstad.example> het volgende geschreven:

> Beste mevrouw De Vries, de container wordt deze week vervangen.
"""


@pytest.mark.parametrize(
    ("text", "new", "quoted"),
    [
        (GMAIL_NL, "Ik heb nog steeds geen nieuwe afvalpas ontvangen.", "binnen 5 werkdagen"),
        (GMAIL_NL.replace("Voorbeeldstad <kcc", "Voorbeeldstad <\nkcc"), "geen nieuwe afvalpas", "schreef"),
        (OUTLOOK_NL, "Ik wacht de brief af.", "parkeervergunning is verlengd"),
        (OUTLOOK_NL_WITHOUT_SEPARATOR, "Mijn huisnummer is 12a", "adres gewijzigd"),
        (GMAIL_EN, "Thanks, that helps.", "on its way"),
        (APPLE_NL, "nog steeds niet vervangen", "deze week vervangen"),
    ],
)
def test_quoted_earlier_messages_are_stripped(text, new, quoted):
    result = strip_quoted_reply(text)
    assert new in result
    assert quoted not in result
    assert "Oorspronkelijk bericht" not in result and "Verzonden:" not in result


def test_quote_marks_at_the_top_are_dropped_and_the_answer_below_kept():
    text = "> Beste heer Jansen,\n> U ontvangt de pas binnen 5 werkdagen.\n\nNog steeds niets ontvangen!\n"
    assert strip_quoted_reply(text) == "Nog steeds niets ontvangen!"


def test_a_residents_own_sentence_about_writing_earlier_is_not_a_quote_header():
    text = "Op 1 maart schreef ik u al:\nmijn container is kapot en nog steeds niet vervangen."
    assert strip_quoted_reply(text) == text


def test_a_message_that_is_only_a_quote_is_kept_whole():
    assert strip_quoted_reply("> alleen het oude bericht") == "> alleen het oude bericht"
    assert strip_quoted_reply("") == ""


def test_reply_snippet_is_one_bounded_line_of_the_new_text():
    snippet = reply_snippet(GMAIL_NL, max_length=40)
    assert "\n" not in snippet and len(snippet) == 40 and snippet.endswith("…")
    assert snippet.startswith("Hallo, Ik heb nog steeds geen")


@pytest.mark.django_db
def test_knowledge_suggestions_search_the_new_text_not_the_quoted_answer(monkeypatch, agent):
    import knowledgebase.selectors

    seen = []
    monkeypatch.setattr(knowledgebase.selectors, "article_suggest", lambda *, user, text, limit: seen.append(text) or [])
    contact = ContactFactory(subject="Re: parkeervergunning", question="")
    message = MessageFactory(contact=contact, body_text=OUTLOOK_NL)

    assert article_suggestions(user=agent, contact=contact, messages=[message]) == []

    assert "Ik wacht de brief af." in seen[0]
    assert "uw parkeervergunning is verlengd" not in seen[0]
    message.refresh_from_db()
    assert "uw parkeervergunning is verlengd" in message.body_text  # stored whole
