"""Admin for functional administrators: support look-ups, not the agents' workflow.

Read-only, and without personal data (no customer, question, notes, message bodies or
attachments): those are read in the application, where every read is written to the
processing log. Contacts change state only through the services.
"""

from django.contrib import admin

from .models import Contact, InboundRaw, Transfer


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("id", "started_at", "channel", "status", "outcome", "topic_department", "assigned_to")
    list_filter = ("channel", "status", "outcome", "topic_department")
    search_fields = ("=id", "=external_id", "=case_identification")
    date_hierarchy = "started_at"
    list_select_related = ("topic_department", "assigned_to")
    fields = (
        "channel", "direction", "status", "outcome", "topic_department", "assigned_to", "closed_by", "started_at",
        "claimed_at", "answered_at", "ended_at", "conversation_key", "external_id", "case_identification", "case_url", "created_at", "updated_at",
    )
    readonly_fields = fields
    show_full_result_count = False


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "contact_id", "to_department", "to_user", "not_for_us_at", "correct_department")
    list_filter = ("to_department", ("not_for_us_at", admin.EmptyFieldListFilter))
    list_select_related = ("to_department", "to_user", "correct_department")
    search_fields = ("=contact__id",)
    fields = ("contact_id", "from_user", "to_department", "to_user", "created_at", "not_for_us_at", "not_for_us_by", "correct_department")
    readonly_fields = fields


@admin.register(InboundRaw)
class InboundRawAdmin(ReadOnlyAdmin):
    list_display = ("id", "received_at", "source", "status", "dedupe_key", "attempts")
    list_filter = ("source", "status")
    search_fields = ("=id", "=dedupe_key", "=sha256")
    fields = ("source", "received_at", "status", "sha256", "dedupe_key", "attempts", "processed_at", "error")
    readonly_fields = fields
