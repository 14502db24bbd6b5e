from django.apps import AppConfig


class KnowledgebaseConfig(AppConfig):
    name = "knowledgebase"
    label = "knowledgebase"
    verbose_name = "Kennisbank"
    default_auto_field = "django.db.models.BigAutoField"
