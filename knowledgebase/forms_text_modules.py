from django import forms
from django.utils.translation import gettext_lazy as _

from kcc.core.forms import UtrechtFormMixin
from kcc.core.models import Department

from .access import edit_department_scope, edits_all_departments
from .constants import TEXT_MODULE_VARIABLES, TextModuleChannel


class _TextModuleFields(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, help_text=_("What the agent picks from the list."))
    body = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 10}))
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("General (every department)"))
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("Every written channel")), *TextModuleChannel.choices], required=False)
    is_active = forms.BooleanField(label=_("Offered to agents"), required=False, initial=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = edit_department_scope(user)
        if not edits_all_departments(user):
            self.fields["department"].required = True
            self.fields["department"].empty_label = None
        names = ", ".join(f"{{{name}}} ({label})" for name, label in TEXT_MODULE_VARIABLES.items())
        self.fields["body"].help_text = _("Plain text. Variables: %(names)s.") % {"names": names}


class TextModuleForm(UtrechtFormMixin, _TextModuleFields):
    pass
