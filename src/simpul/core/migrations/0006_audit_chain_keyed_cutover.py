"""The audit chain becomes keyed (HMAC-SHA256 under SIMPUL_AUDIT_KEY).

Entries already written keep their unkeyed SHA-256 hashes: this migration records the cut-over (the first
keyed entry is the one after the current head) and seals it with an HMAC under the key configured *now*, over
the cut-over number and the last unkeyed entry's hash. Set SIMPUL_AUDIT_KEY before running it in production.
"""

from django.db import migrations, models


def seal_cutover(apps, schema_editor):
    from simpul.core.services import audit_cutover_mac

    head_model = apps.get_model("core", "AuditChainHead")
    entry_model = apps.get_model("core", "AuditEntry")
    head = head_model.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        return  # nothing written yet: every entry will be keyed (keyed_from = 1)
    last = entry_model.objects.filter(seq=head.seq).values_list("entry_hash", flat=True).first()
    head.keyed_from = head.seq + 1
    head.keyed_from_mac = audit_cutover_mac(keyed_from=head.keyed_from, legacy_head_hash=last or "")
    head.save(update_fields=["keyed_from", "keyed_from_mac"])


def unseal_cutover(apps, schema_editor):
    pass  # the fields are dropped by reversing the schema operations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_personaldataaccess'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditchainhead',
            name='keyed_from',
            field=models.BigIntegerField(default=1),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='keyed_from_mac',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.RunPython(seal_cutover, unseal_cutover),
    ]
