"""`cases:write` no longer includes creating cases: that is the new scope `cases:intake`.

So that no existing key loses a power it had, every client holding `cases:write` also gets `cases:intake`
(creating cases, as before, and reading back the cases it submitted). Nothing else changes: a client's
`cases:read` still reads its agencies' cases. Narrow intake-only clients (Open311, kiosks) by removing
`cases:read`/`cases:write` in the admin.
"""

from django.db import migrations


def grant_intake(apps, schema_editor):
    client_model = apps.get_model("api", "ApiClient")
    for client in client_model.objects.all().only("pk", "scopes"):
        scopes = list(client.scopes or [])
        if "cases:write" in scopes and "cases:intake" not in scopes:
            client_model.objects.filter(pk=client.pk).update(scopes=[*scopes, "cases:intake"])


def revoke_intake(apps, schema_editor):
    client_model = apps.get_model("api", "ApiClient")
    for client in client_model.objects.all().only("pk", "scopes"):
        scopes = list(client.scopes or [])
        if "cases:intake" in scopes:
            kept = [s for s in scopes if s != "cases:intake"]
            if "cases:write" not in kept:
                kept.append("cases:write")  # before this migration, creating cases needed cases:write
            client_model.objects.filter(pk=client.pk).update(scopes=kept)


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0003_relay_cursor_starts_after_existing_history"),
    ]

    operations = [
        migrations.RunPython(grant_intake, revoke_intake),
    ]
