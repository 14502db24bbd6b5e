from django.apps import AppConfig


class SignalsConfig(AppConfig):
    # "signals" clashes with Django's dispatcher vocabulary: the label says what it is.
    name = "signals"
    label = "signalboard"
    verbose_name = "Signalen"
    default_auto_field = "django.db.models.BigAutoField"
