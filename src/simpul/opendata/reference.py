"""Every install: the rows of the generated datasets (produced by Dinas Kominfo, the regency's walidata)."""

from __future__ import annotations

from typing import Any

from simpul.agencies.models import Agency
from simpul.opendata.generators import GENERATED
from simpul.opendata.services import dataset_generated_ensure

PRODUCER = "dinkominfo"


def load(*, stdout: Any) -> None:
    producer = Agency.objects.filter(code=PRODUCER).first()
    if producer is None:
        stdout.write("opendata: agency dinkominfo missing; generated datasets not created")
        return
    for slug in GENERATED:
        dataset_generated_ensure(slug=slug, producer=producer)
