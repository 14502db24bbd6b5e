"""Read-only admin views: content is maintained in the application, through the services
(versions, summaries and search index stay consistent only that way)."""

from django.contrib import admin

from .models import Article, ArticleFeedback, ArticleVersion, DepartmentGuide, ReadReceipt, Tag


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "owner_department", "status", "audience", "review_by", "published_at")
    list_filter = ("status", "audience", "owner_department")
    search_fields = ("title", "synonyms")
    exclude = ("search_vector",)


@admin.register(ArticleVersion)
class ArticleVersionAdmin(ReadOnlyAdmin):
    list_display = ("article", "number", "summary", "published_at", "is_mandatory")
    list_filter = ("is_mandatory",)
    list_select_related = ("article",)


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(ReadOnlyAdmin):
    list_display = ("article", "kind", "department", "status", "created_at")
    list_filter = ("status", "kind", "department")
    list_select_related = ("article", "department")


@admin.register(ReadReceipt)
class ReadReceiptAdmin(ReadOnlyAdmin):
    list_display = ("version", "user", "confirmed_at")
    list_select_related = ("version", "user")


admin.site.register(DepartmentGuide, ReadOnlyAdmin)
admin.site.register(Tag, ReadOnlyAdmin)
