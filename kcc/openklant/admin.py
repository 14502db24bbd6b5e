from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .constants import SyncStatus
from .models import BackfillCursor, RemoteObject, SyncItem


@admin.register(SyncItem)
class SyncItemAdmin(admin.ModelAdmin):
    """The outbox, with its failed list: filter on status "Failed" to see what the register
    refused and why; "Queue again" after the cause is fixed."""

    list_display = ("id", "kind", "object_id", "status", "attempts", "created_at", "next_attempt_at", "sent_at", "error")
    list_filter = ("status", "kind")
    search_fields = ("=object_id",)
    ordering = ("-id",)
    readonly_fields = [f.name for f in SyncItem._meta.fields]
    actions = ["queue_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Queue again"), permissions=["change"])
    def queue_again(self, request, queryset):
        from .services import sync_item_retry

        for pk in queryset.filter(status=SyncStatus.FAILED).values_list("pk", flat=True):
            sync_item_retry(pk=pk)
        self.message_user(request, _("The failed items are queued again."), messages.SUCCESS)


@admin.register(RemoteObject)
class RemoteObjectAdmin(admin.ModelAdmin):
    list_display = ("key", "uuid", "synced_at")
    search_fields = ("key", "=uuid")
    readonly_fields = ("key", "uuid", "url", "synced_at")

    def has_add_permission(self, request):
        return False


@admin.register(BackfillCursor)
class BackfillCursorAdmin(admin.ModelAdmin):
    list_display = ("kind", "last_id", "updated_at")
