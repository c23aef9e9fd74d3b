"""A draft is deleted when its case is created: delete the drafts already sent.

Their answers live in the case now, and their uploaded files are the case's documents (same stored names), so
no file is removed. The draft's `case` column is no longer written; it is dropped one release later, so the
version before can still run during the upgrade.
"""

from django.db import migrations


def delete_sent_drafts(apps, schema_editor):
    Draft = apps.get_model("cases", "Draft")
    Draft.objects.filter(case__isnull=False).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_case_add_identity_protection"),
    ]

    operations = [
        migrations.RunPython(delete_sent_drafts, migrations.RunPython.noop),
    ]
