"""ClosureDay moves from callbacks to core: the one working-day calendar (kcc.core.workdays)
serves callbacks and signals alike. Create the core table, copy every row; callbacks 0004 then
drops its own table."""

from django.db import migrations, models


def copy_closure_days(apps, schema_editor):
    """Copy callbacks' closure days into core (idempotent: a date already there is kept)."""
    Old = apps.get_model("callbacks", "ClosureDay")
    New = apps.get_model("core", "ClosureDay")
    existing = set(New.objects.values_list("date", flat=True))
    New.objects.bulk_create(
        New(date=row.date, description=row.description) for row in Old.objects.order_by("date") if row.date not in existing
    )


def copy_back(apps, schema_editor):
    Old = apps.get_model("callbacks", "ClosureDay")
    New = apps.get_model("core", "ClosureDay")
    existing = set(Old.objects.values_list("date", flat=True))
    Old.objects.bulk_create(
        Old(date=row.date, description=row.description) for row in New.objects.order_by("date") if row.date not in existing
    )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_customer_birth_date'),
        ('callbacks', '0003_due_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClosureDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(help_text='The organisation is closed all day.', unique=True, verbose_name='date')),
                ('description', models.CharField(help_text="Why, e.g. 'Collectieve vrije dag na Hemelvaart'.", max_length=200, verbose_name='description')),
            ],
            options={
                'verbose_name': 'closure day',
                'verbose_name_plural': 'closure days',
                'ordering': ['date'],
            },
        ),
        migrations.RunPython(copy_closure_days, copy_back),
    ]
