"""The case-event relay starts after the history that existed before it: events are for what happens from now
on, not a replay of years of case history to systems that subscribe later."""

from django.db import migrations


def start_cursor(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    RelayCursor = apps.get_model("api", "RelayCursor")
    last = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    RelayCursor.objects.update_or_create(name="cases", defaults={"last_id": last})


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_webhooks_integrations_and_case_event_relay"),
        ("cases", "0001_initial_cases"),
    ]

    operations = [migrations.RunPython(start_cursor, migrations.RunPython.noop)]
