"""Forms of the agent's desk (the contact workspace) that are not the close form."""

from django import forms


class NotesForm(forms.Form):
    """The question and notes of an open contact, saved on change while the agent works."""

    question = forms.CharField(required=False, max_length=5000)
    notes = forms.CharField(required=False, max_length=5000)
