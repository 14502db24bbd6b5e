"""Transfer advice on the desk (channels/advice.py computes it; docs/desk.md "Transfer advice").

* POST (htmx, from the close form when the agent picks "Doorverbinden" or changes the topic):
  the advice for the question and topic department as typed now, as a fragment. The question
  is personal data: it is POSTed, never put in a URL.
* GET: the same advice from the contact's saved question and topic, as a page (works without
  JavaScript; linked from the close form).
"""

from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from kcc.core.access import role_required
from kcc.core.constants import Role
from kcc.core.htmx import render_htmx

from .access import access_contact
from .advice import transfer_advice
from .constants import ContactStatus
from .knowledge_panel import contact_question_text

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
