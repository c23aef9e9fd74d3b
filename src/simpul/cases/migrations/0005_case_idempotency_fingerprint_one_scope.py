"""One idempotency scope format for every door (`simpul.cases.intake.idempotency_scope`), and the payload's
fingerprint kept on the case so that a key used again with another payload is refused by every door.

Old scopes: `api:<client>` and `open311:<client>` become `client:<client>`; a draft's `web` becomes `draft`.
The idempotency records of the JSON API (24 hours' worth) move with them. A row whose new scope and key are
already taken (the same client used one key through both doors) keeps its old scope.
"""

from django.db import migrations, models


def _new_scope(scope):
    if scope == "web":
        return "draft"
    door, _sep, rest = scope.partition(":")
    if door in ("api", "open311") and rest.isdigit():
        return f"client:{rest}"
    return None


def forwards(apps, schema_editor):
    for model, key_field in ((apps.get_model("cases", "Case"), "idempotency_scope"),
                             (apps.get_model("core", "IdempotencyRecord"), "scope")):
        key_name = "idempotency_key" if key_field == "idempotency_scope" else "key"
        old_scopes = (model.objects.exclude(**{key_field: ""}).values_list(key_field, flat=True).distinct())
        for scope in list(old_scopes):
            new = _new_scope(scope)
            if new is None:
                continue
            rows = model.objects.filter(**{key_field: scope})
            taken = set(model.objects.filter(**{key_field: new}).values_list(key_name, flat=True))
            if taken:
                rows = rows.exclude(**{f"{key_name}__in": taken})
            rows.update(**{key_field: new})


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_draft_delete_sent_drafts"),
        ("core", "0006_audit_chain_keyed_cutover"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="idempotency_fingerprint",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="idempotency fingerprint"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
