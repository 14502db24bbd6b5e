"""The e-mail outbox moved to core (core.OutboundEmail): core 0008 copied the rows; drop this table.
Reversible: the table comes back and core 0008 copies the rows back."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_outboundemail_copy'),
        ('callbacks', '0004_closureday_moved_to_core'),
    ]

    operations = [
        migrations.DeleteModel(
            name='CallbackNotification',
        ),
    ]
