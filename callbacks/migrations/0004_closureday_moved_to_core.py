"""ClosureDay now lives in core (core 0006 copied the rows): drop the callbacks table."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('callbacks', '0003_due_index'),
        ('core', '0006_closureday'),
    ]

    operations = [
        migrations.DeleteModel(
            name='ClosureDay',
        ),
    ]
