from django.contrib import admin

from .models import CallbackNotification


@admin.register(CallbackNotification)
class CallbackNotificationAdmin(admin.ModelAdmin):
    """Read-only outbox: which callback e-mails went out, and which failed."""

    list_display = ["created_at", "kind", "key", "sent_at", "error"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["key"]
    date_hierarchy = "created_at"
    exclude = ["body", "recipients"]
    readonly_fields = ["kind", "key", "callback", "department", "subject", "created_at", "sent_at", "error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
