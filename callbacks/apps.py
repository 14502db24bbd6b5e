from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "callbacks"
    label = "callbacks"
    verbose_name = "Terugbelverzoeken"
    default_auto_field = "django.db.models.BigAutoField"
