"""Indexes of the staff worklist at a million cases (docs/operations.md, "Worklist at scale").

Open cases by due date (per agency, across agencies for an agency that also sees cases disposed to it, and per
assigned officer),
every case by submission time likewise, the filter by service and status, and on PostgreSQL a trigram index for the reference-fragment search
(`reference__icontains` reads `UPPER(reference)`). The trigram index needs the pg_trgm extension (a trusted
extension: a database owner may create it); where it cannot be had, the search still works, only slower.
"""

from django.db import migrations, models, transaction


def reference_trigram_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # no privilege to add the extension: keep the slower search
            return
        cursor.execute("CREATE INDEX IF NOT EXISTS cases_reference_trgm_idx ON cases_case "
                       "USING gin (UPPER(reference::text) gin_trgm_ops)")


def drop_reference_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS cases_reference_trgm_idx")


OPEN = models.Q(("status__in", ["dialihkan", "dibatalkan", "ditolak", "selesai"]), _negated=True)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0001_initial_cases"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=OPEN, fields=["agency", "due_date", "id"], name="cases_open_agency_due_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=OPEN, fields=["due_date", "id"], name="cases_open_due_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=OPEN, fields=["assigned_to", "due_date", "id"],
                               name="cases_open_assigned_due_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["agency", "submitted_at", "id"], name="cases_agency_submitted_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["submitted_at", "id"], name="cases_submitted_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["service_code", "status", "due_date", "id"],
                               name="cases_service_status_due_idx"),
        ),
        migrations.RunPython(reference_trigram_index, drop_reference_trigram_index),
    ]
