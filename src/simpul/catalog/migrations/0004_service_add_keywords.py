"""The words people type for a service (`Service.keywords`), read by the catalogue search. The search text of the
versions already stored is rebuilt by `simpul reference` (`simpul.catalog.reference`), not here: a migration never
imports the code that builds it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0003_serviceversion_form_field_roles'),
    ]

    operations = [
        migrations.AddField(
            model_name='service',
            name='keywords',
            field=models.TextField(blank=True, help_text='Words people type when they look for this service, separated by commas (for example: KK hilang, cetak ulang KK). The catalogue search finds the service by them; nobody sees them.', verbose_name='search words'),
        ),
    ]
