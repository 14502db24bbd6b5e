"""Read-only admin for functional administrators: signals change only through the board, so
that every status change carries its response and the services' rules hold."""

from django.contrib import admin

from .models import Comment, Evidence, Signal, StatusChange


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ["at", "by", "from_status", "to_status", "response"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Signal)
class SignalAdmin(ReadOnlyAdmin):
    list_display = ["pk", "title", "department", "category", "status", "raised_at", "ack_due", "responded_at", "merged_into"]
    list_filter = ["status", "category", "department", "impact"]
    search_fields = ["title", "description"]
    date_hierarchy = "raised_at"
    inlines = [StatusChangeInline]
    list_select_related = ["department", "merged_into"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["signal", "contact_id", "added_by", "added_at"]
    list_select_related = ["signal", "added_by"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["signal", "author", "created_at", "parent"]
    list_select_related = ["signal", "author"]


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["signal", "from_status", "to_status", "by", "at"]
    list_select_related = ["signal", "by"]
