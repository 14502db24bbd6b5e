"""A contact links to a case (zaak) in the Zaken API: URL + identification, replacing the
free-text "zaaknummer". The column is renamed, so every old value stays readable as an
identification without a URL."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0006_contact_transfer_fulltext_index"),
    ]

    operations = [
        migrations.RenameField(model_name="contact", old_name="case_reference", new_name="case_identification"),
        migrations.AlterField(
            model_name="contact",
            name="case_identification",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="case number",
                help_text="Identification of the case (zaak) in the case system, e.g. ZAAK-2026-00042. Older contacts may hold a free-text number without a link.",
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="case_url",
            field=models.URLField(
                blank=True, max_length=1000, verbose_name="case URL",
                help_text="The case's URL in the Zaken API, set when the agent linked the case in the desk.",
            ),
        ),
    ]
