"""Intake question sets (vragensets), maintained by editors (docs/callbacks.md, "Question sets").

Callback e-mails are in the one outbox (core.OutboundEmail, kcc/core/admin.py) and closure days
in core.ClosureDay."""

from django.contrib import admin

from .models import Question, QuestionSet


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ["order", "text", "type", "choices", "required", "help_text"]


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "department", "active"]
    list_filter = ["kind", "active", "department"]
    search_fields = ["title", "questions__text"]
    inlines = [QuestionInline]
