"""Transfer advice and reply tools on the desk (docs/desk.md "Transfer advice", "Answers into
replies"). Transfer advice (channels/advice.py computes it):

* POST (htmx, from the close form when the agent picks "Doorverbinden" or changes the topic):
  the advice for the question and topic department as typed now, as a fragment. The question
  is personal data: it is POSTed, never put in a URL.
* GET: the same advice from the contact's saved question and topic, as a page (works without
  JavaScript; linked from the close form).
"""

from django.contrib import messages
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kcc.core.access import role_required
from kcc.core.constants import Role
from kcc.core.htmx import is_fragment, render_htmx, vary_on_htmx
from knowledgebase.text_modules import (
    article_resident_answer,
    render_text_module,
    text_module_for_reply,
)

from .access import access_contact
from .advice import transfer_advice
from .constants import ContactStatus
from .forms import ReplyForm
from .forms_reply import ReplyInsertForm
from .knowledge_panel import contact_question_text, readable_article
from .reply_tools import insert_at, reply_values
from .views import _can_reply, _render_contact

KCC = (Role.AGENT, Role.TEAMLEAD)


def _topic_id(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@require_http_methods(["GET", "POST"])
@role_required(*KCC)
def contact_transfer_advice(request, pk):
    contact = access_contact(request.user, pk, kcc_only=True)
    if contact.status == ContactStatus.CLOSED:
        raise Http404
    if request.method == "POST":
        # The close form as the agent has it now (not yet saved).
        contact.question = (request.POST.get("question") or "")[:5000]
        topic_id = _topic_id(request.POST.get("topic_department"))
    else:
        topic_id = contact.topic_department_id
    advice = transfer_advice(text=contact_question_text(contact), topic_department_id=topic_id, contact=contact)
    context = {"contact": contact, "advice": advice, "in_form": request.method == "POST"}
    if request.method == "POST":
        return render_htmx(request, "channels/transfer_advice.html", context, part="advice")
    return TemplateResponse(request, "channels/transfer_advice.html", context)


# --- answers into replies ------------------------------------------------------------------


def _reply_response(request, contact, *, text: str, cursor: int | None, notice: str = "", status: int = 200):
    """The reply section with `text` (htmx), or the whole desk with it (without JavaScript)."""
    form = ReplyForm(data={"text": text})
    if cursor is not None:
        form.fields["text"].widget.attrs.update({"data-cursor": str(cursor), "data-autofocus": ""})
    if not is_fragment(request):
        if notice:
            messages.warning(request, notice)
        return _render_contact(request, contact, reply_form=form, status=status)
    context = {"contact": contact, "reply_form": form if _can_reply(contact) else None, "reply_notice": notice}
    return vary_on_htmx(TemplateResponse(request, "channels/desk/_reply.html", context, status=status))


@require_POST
@role_required(*KCC)
def contact_reply_insert(request, pk):
    """"Tekstblok invoegen" / "Antwoord invoegen": put a text module (variables filled in) or
    the article's resident-facing answer into the reply at the cursor. Nothing is sent or
    saved: the reply comes back with the text in it."""
    contact = access_contact(request.user, pk, kcc_only=True)
    if not _can_reply(contact):
        raise Http404
    form = ReplyInsertForm(request.POST)
    if not form.is_valid():
        return _reply_response(request, contact, text=request.POST.get("text", "")[:20000], cursor=None,
                               notice=_("Nothing was inserted: choose a text module or an article."), status=422)
    data = form.cleaned_data
    text = data["text"] or ""
    if data["insert"] == "module":
        if not data["module"]:
            return _reply_response(request, contact, text=text, cursor=data["cursor"], notice=_("Choose a text module first."), status=422)
        module = text_module_for_reply(pk=data["module"], department_id=contact.topic_department_id, channel=contact.channel)
        snippet = render_text_module(module.body, values=reply_values(user=request.user, contact=contact))
    else:
        if not data["article"]:
            return _reply_response(request, contact, text=text, cursor=data["cursor"],
                                   notice=_("Open or link an article in the knowledge pane first."), status=422)
        article = readable_article(user=request.user, article_pk=data["article"])
        snippet = article_resident_answer(article)
        if snippet is None:
            return _reply_response(request, contact, text=text, cursor=data["cursor"], status=422,
                                   notice=_("“%(title)s” has no answer for residents (internal or not published).") % {"title": article.title})
    new_text, cursor = insert_at(text, snippet, data["cursor"])
    return _reply_response(request, contact, text=new_text, cursor=cursor)
