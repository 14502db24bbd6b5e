from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    ClosureDay,
    Customer,
    Department,
    DigitalAddress,
    Membership,
    OutboundEmail,
    ProcessingLogEntry,
)
from .services import staff_groups_sync
from .workdays import public_holiday_name

User = get_user_model()


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_kcc", "callback_norm_days", "email", "is_active"]
    list_filter = ["is_kcc", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["department"]


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Functional admins manage staff: roles are granted per department (memberships); the
    matching Django groups follow automatically."""

    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "roles"]
    list_filter = ["is_active", "memberships__role", "memberships__department"]

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(sorted({m.get_role_display() + " – " + m.department.name for m in obj.memberships.select_related("department")}))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        staff_groups_sync(user=form.instance)


class DigitalAddressInline(admin.TabularInline):
    model = DigitalAddress
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Customer records are personal data: the admin shows masked BSNs only and is meant for
    corrections by functional admins; agents use the KCC screens."""

    list_display = ["full_name", "postcode", "house_number", "masked_bsn"]
    search_fields = ["last_name", "postcode"]
    exclude = ["bsn"]
    readonly_fields = ["masked_bsn", "name_folded", "created_at", "updated_at"]
    inlines = [DigitalAddressInline]

    @admin.display(description=_("BSN"))
    def masked_bsn(self, obj):
        return obj.bsn_masked


@admin.register(ProcessingLogEntry)
class ProcessingLogEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "purpose", "customer_ref", "context"]
    list_filter = ["action", "purpose"]
    search_fields = ["username", "=customer_ref"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    """Functional admins maintain the organisation's own closure days; callback and signal deadlines
    skip them from the next computation on (existing deadlines are not moved)."""

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


# BIO operations (de-activation, access review) extend the admin classes above.
from . import admin_ops  # noqa: E402, F401


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Read-only outbox of every app: which e-mails went out, and which failed (and how often)."""

    list_display = ["created_at", "source", "kind", "key", "sent_at", "attempts", "error"]
    list_filter = ["source", "kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["key"]
    date_hierarchy = "created_at"
    # The body and addresses hold personal data: not shown.
    exclude = ["body", "recipients"]
    readonly_fields = ["source", "kind", "key", "content_type", "object_id", "department", "subject", "created_at", "sent_at", "attempts", "error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
