from django.contrib import admin

from .models import LegalHold, RetentionLogEntry, RetentionRun


class RetentionLogEntryInline(admin.TabularInline):
    model = RetentionLogEntry
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "channel", "count")


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """Read-only: runs are made by the job and the privacy officer's pages."""

    list_display = ("id", "mode", "status", "as_of", "triggered_by", "approved_by", "finished_at")
    list_filter = ("mode", "status")
    inlines = [RetentionLogEntryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    list_display = ("id", "customer_id", "contact_id", "callback_id", "reason", "set_at", "lifted_at")
    list_filter = ("lifted_at",)
    raw_id_fields = ("customer", "contact", "callback")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
