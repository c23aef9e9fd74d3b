"""A draft is deleted when its case is created, so a draft no longer points to a case.

Drafts already sent are deleted here: their answers live in the case now. Their uploaded files are the case's
documents (same stored names), so no file is removed.
"""

from django.db import migrations


def delete_sent_drafts(apps, schema_editor):
    Draft = apps.get_model("cases", "Draft")
    Draft.objects.filter(case__isnull=False).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0002_worklist_indexes"),
    ]

    operations = [
        migrations.RunPython(delete_sent_drafts, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="draft",
            name="case",
        ),
    ]
