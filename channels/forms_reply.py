"""The desk reply's insert request: the reply as typed, the cursor, and what to insert."""

from django import forms


class ReplyInsertForm(forms.Form):
    text = forms.CharField(required=False, max_length=20000, strip=False)
    cursor = forms.IntegerField(required=False, min_value=0)
    insert = forms.ChoiceField(choices=[("module", "module"), ("answer", "answer")])
    module = forms.IntegerField(required=False, min_value=1)
    article = forms.IntegerField(required=False, min_value=1)
