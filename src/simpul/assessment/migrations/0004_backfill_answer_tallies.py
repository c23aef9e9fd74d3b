"""Answers stored before tallies existed (0002) get their respondent attributes and tallies computed once."""

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery


def backfill(apps, schema_editor):
    Answer = apps.get_model("assessment", "Answer")
    Response = apps.get_model("assessment", "Response")
    AnswerTally = apps.get_model("assessment", "AnswerTally")
    Answer.objects.filter(group="").update(
        group=Subquery(Response.objects.filter(pk=OuterRef("response_id")).values("group")[:1]),
        agency_id=Subquery(Response.objects.filter(pk=OuterRef("response_id")).values("agency_id")[:1]),
    )
    tallied = set(AnswerTally.objects.values_list("round_id", flat=True).distinct())
    rows = (Answer.objects.exclude(round_id__in=tallied)
            .values("round_id", "item_id", "agency_id", "group", "value", "performance", "level")
            .annotate(n=Count("id")).order_by())
    AnswerTally.objects.bulk_create([
        AnswerTally(round_id=r["round_id"], item_id=r["item_id"], agency_key=r["agency_id"] or 0,
                    group=r["group"] or "", value=r["value"] or 0, performance=r["performance"] or 0,
                    level=r["level"] or 0, n=r["n"])
        for r in rows
    ], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0003_round_add_verification_tactics")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
