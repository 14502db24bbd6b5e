"""Editors keep text modules (tekstblokken) per department and channel, like articles: in the
application, through the one service (knowledgebase.text_modules.text_module_save)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kcc.core.access import role_required
from kcc.core.exceptions import DomainError
from kcc.core.htmx import add_domain_error

from .access import EDIT_ROLES
from .constants import TEXT_MODULE_VARIABLES
from .forms_text_modules import TextModuleForm
from .text_modules import (
    access_text_module,
    can_edit_text_modules,
    text_module_list,
    text_module_save,
)


@require_GET
@role_required(*EDIT_ROLES)
def text_modules(request):
    if not can_edit_text_modules(request.user):
        raise Http404
    return TemplateResponse(request, "knowledgebase/text_module_list.html", {"modules": text_module_list(user=request.user)})


@require_http_methods(["GET", "POST"])
@role_required(*EDIT_ROLES)
def text_module_edit(request, pk=None):
    if not can_edit_text_modules(request.user):
        raise Http404
    module = access_text_module(request.user, pk) if pk is not None else None
    initial = {"is_active": True}
    if module is not None:
        initial = {"title": module.title, "body": module.body, "department": module.department_id, "channel": module.channel, "is_active": module.is_active}
    form = TextModuleForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = text_module_save(user=request.user, module=module, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Text module “%(title)s” saved.") % {"title": saved.title})
            return redirect("knowledgebase:text_modules")
    context = {"form": form, "module": module, "variables": TEXT_MODULE_VARIABLES}
    return TemplateResponse(request, "knowledgebase/text_module_form.html", context, status=422 if form.errors else 200)
