"""Common Ground (kcc.commonground): the customer record remembers when its BSN was adopted from
the BRP ("BSN geverifieerd via BRP"), and the processing log has an action for a lookup in an
external register (BRP, Zaken API)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_outboundemail_copy"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="bsn_verified_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="BSN verified via BRP",
                help_text="When an agent adopted the BSN (with name, date of birth and address) from the BRP into this record. Empty: not verified.",
            ),
        ),
        migrations.AlterField(
            model_name="processinglogentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "Viewed"), ("search", "Shown in search results"), ("create", "Created"), ("change", "Changed"),
                    ("reveal_bsn", "BSN revealed"), ("export", "Exported"), ("erase", "Erased"), ("merge", "Merged"),
                    ("external_lookup", "Looked up in an external register"),
                ],
                max_length=20, verbose_name="action",
            ),
        ),
    ]
