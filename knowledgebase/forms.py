import re

from django import forms
from django.utils.translation import gettext_lazy as _

from kcc.core.forms import UtrechtFormMixin
from kcc.core.models import Department

from .access import edit_department_scope
from .constants import MAX_QUERY_CHARS, ArticleKind, ArticleStatus, Audience, FeedbackKind
from .models import Article, Tag
from .search import clean_query


class ArticleSearchForm(UtrechtFormMixin, forms.Form):
    """One search box plus two filters. Over-long or odd input is cleaned, never refused:
    the agent is on the phone."""

    q = forms.CharField(
        label=_("Search the knowledge base"), required=False,
        help_text=_("Type a question or a few words; results appear while you type."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "maxlength": MAX_QUERY_CHARS, "data-shortcut": "Alt+Shift+K"}),
    )
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.filter(is_active=True).order_by("-is_kcc", "name"), required=False, empty_label=_("All departments"))
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.order_by("name"), to_field_name="slug", required=False, empty_label=_("All tags"))

    def clean_q(self):
        return clean_query(self.cleaned_data.get("q") or "")


_NUMBER_RE = re.compile(r"\d+")


class ArticleForm(UtrechtFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255, help_text=_("Usually the question as a resident asks it."))
    kind = forms.ChoiceField(label=_("Form"), choices=ArticleKind.choices, widget=forms.RadioSelect, initial=ArticleKind.QUESTION_ANSWER)
    question = forms.CharField(
        label=_("Question"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The resident's question in their own words; leave empty for a free text."),
    )
    body = forms.CharField(
        label=_("Answer or text"), widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: **bold**, *italic*, lists with '-' or '1.', '## Heading', [link](https://...). HTML is not allowed."),
    )
    owner_department = forms.ModelChoiceField(label=_("Owner department"), queryset=Department.objects.filter(is_active=True).order_by("-is_kcc", "name"), help_text=_("Maintains the content and receives feedback."))
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, widget=forms.RadioSelect, initial=Audience.INTERNAL)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500, help_text=_("Comma-separated, e.g. 'reisdocumenten, spoed'."))
    synonyms = forms.CharField(
        label=_("Synonyms"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Other words for this subject, comma-separated, e.g. 'adreswijziging, nieuw adres'."),
    )
    related = forms.CharField(
        label=_("Related articles"), required=False, max_length=500,
        help_text=_("Article numbers, comma-separated (the number is shown on each article, e.g. 'KB-12')."),
    )
    review_by = forms.DateField(label=_("Review by"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), help_text=_("Empty: a year after publishing."))
    summary = forms.CharField(
        label=_("What changed"), required=False, max_length=300,
        help_text=_("Required when publishing. One sentence agents understand, e.g. 'Leges 2026 aangepast'."),
    )
    mandatory = forms.BooleanField(label=_("Mandatory read: every agent must confirm this change"), required=False)
    mandatory_note = forms.CharField(label=_("Note for agents"), required=False, max_length=300, help_text=_("Why this change matters (shown in the 'new and changed' list)."))

    def __init__(self, *args, user, article: Article | None = None, **kwargs):
        # Set before super().__init__: UtrechtFormMixin validates a bound form while
        # initialising, so the clean_* methods must already know the user and article.
        self.user = user
        self.article = article
        super().__init__(*args, **kwargs)
        self.fields["owner_department"].queryset = edit_department_scope(user)

    def clean_owner_department(self):
        department = self.cleaned_data.get("owner_department")
        if department is not None and not edit_department_scope(self.user).filter(pk=department.pk).exists():
            # A forged id for a department outside the user's scope.
            raise forms.ValidationError(_("Select a valid choice. That choice is not one of the available choices."), code="invalid_choice")
        return department

    def clean_summary(self):
        summary = (self.cleaned_data.get("summary") or "").strip()
        if not summary and self.article is not None and self.article.status == ArticleStatus.PUBLISHED:
            raise forms.ValidationError(_("Describe briefly what changed."), code="required")
        return summary

    @classmethod
    def initial_for(cls, article: Article) -> dict:
        return {
            "title": article.title, "kind": article.kind, "question": article.question, "body": article.body,
            "owner_department": article.owner_department_id, "audience": article.audience,
            "tags": ", ".join(t.name for t in article.tags.all()), "synonyms": article.synonyms,
            "related": ", ".join(f"KB-{a.pk}" for a in article.related.order_by("pk")),
            "review_by": article.review_by,
        }

    def clean_related(self):
        numbers = [int(n) for n in _NUMBER_RE.findall(self.cleaned_data.get("related") or "")]
        numbers = list(dict.fromkeys(numbers))
        if self.article is not None and self.article.pk in numbers:
            raise forms.ValidationError(_("An article cannot be related to itself."))
        found = {a.pk: a for a in Article.objects.published().filter(pk__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("No published article with number %(numbers)s.") % {"numbers": ", ".join(f"KB-{n}" for n in missing)}
            )
        return [found[n] for n in numbers]

    def content(self) -> dict:
        data = self.cleaned_data
        return {k: data[k] for k in ("title", "kind", "question", "body", "owner_department", "audience", "tags", "synonyms", "related", "review_by")}


class ReviewForm(UtrechtFormMixin, forms.Form):
    review_by = forms.DateField(label=_("Next review"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class RequireReadingForm(UtrechtFormMixin, forms.Form):
    note = forms.CharField(label=_("Note for agents"), required=False, max_length=300, help_text=_("Empty: the version's 'what changed' is shown."))


class FeedbackForm(UtrechtFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What is the problem?"), choices=FeedbackKind.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Explanation"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is wrong or missing? No personal data of residents."),
    )


class FeedbackResponseForm(UtrechtFormMixin, forms.Form):
    response = forms.CharField(label=_("Response"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class GuideForm(UtrechtFormMixin, forms.Form):
    handles = forms.CharField(label=_("What it handles"), required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text=_("Markdown."))
    does_not_handle = forms.CharField(label=_("What it does not handle"), required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text=_("Markdown. Name where those questions belong."))
    when_to_transfer = forms.CharField(label=_("When to transfer"), required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=_("Markdown."))
    when_to_callback = forms.CharField(label=_("When to make a callback request"), required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=_("Markdown."))
    opening_hours = forms.CharField(label=_("Opening hours"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reachability = forms.CharField(label=_("Reachability"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
