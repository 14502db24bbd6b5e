"""A callback request carries the case (zaak) of the contact it came from."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("callbacks", "0005_outbox_moved_to_core"),
    ]

    operations = [
        migrations.AddField(
            model_name="callbackrequest",
            name="case_identification",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="case number",
                help_text="The case (zaak) the callback is about, taken from the contact it came from.",
            ),
        ),
        migrations.AddField(
            model_name="callbackrequest",
            name="case_url",
            field=models.URLField(blank=True, max_length=1000, verbose_name="case URL", help_text="The case's URL in the Zaken API."),
        ),
    ]
