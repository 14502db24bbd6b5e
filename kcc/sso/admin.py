from django.contrib import admin

from .models import GroupMapping, Identity


@admin.register(GroupMapping)
class GroupMappingAdmin(admin.ModelAdmin):
    """Which group or role at the identity provider gives which role in which department.
    Changes apply at each user's next sign-in."""

    list_display = ["claim_value", "role", "department"]
    list_filter = ["role", "department"]
    search_fields = ["claim_value", "department__name"]
    autocomplete_fields = ["department"]


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    """Read-only: links are made at sign-in. Deleting one lets the next sign-in link the
    provider account again by username."""

    list_display = ["user", "issuer", "last_login_at"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "issuer", "subject", "created_at", "last_login_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

