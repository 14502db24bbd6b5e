from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import CallbackNotification, ClosureDay
from .workdays import public_holiday_name


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    """Functional admins maintain the organisation's own closure days; callback deadlines skip
    them from the next computation on (existing deadlines are not moved)."""

    list_display = ["date", "weekday", "description", "holiday_clash"]
    search_fields = ["description"]
    date_hierarchy = "date"
    ordering = ["-date"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        from django.utils.formats import date_format

        return date_format(obj.date, "l")

    @admin.display(description=_("also a public holiday"))
    def holiday_clash(self, obj):
        return public_holiday_name(obj.date) or ""


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
