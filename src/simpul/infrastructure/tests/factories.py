from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from simpul.infrastructure.models import (
    Application,
    Link,
    LinkTechnology,
    Measurement,
    NeedStandard,
    Site,
    SiteKind,
    UpgradeOption,
)
from simpul.regions.models import Region


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    code = factory.Sequence(lambda n: f"site-{n}")
    name = factory.Sequence(lambda n: f"Site {n}")
    kind = SiteKind.VILLAGE_OFFICE
    region = factory.LazyFunction(lambda: Region.objects.get(code="16.06.01.2001"))
    staff_count = 5
    residents_served = 1000

    class Params:
        sample = factory.Trait(is_sample=True)


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Link

    site = factory.SubFactory(SiteFactory)
    technology = LinkTechnology.VSAT
    download_mbps = Decimal("2")
    monthly_cost_idr = 3_000_000


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    link = factory.SubFactory(LinkFactory)
    measured_at = factory.LazyFunction(timezone.now)
    available = True
    latency_ms = Decimal("600")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    code = factory.Sequence(lambda n: f"app-{n}")
    name = factory.Sequence(lambda n: f"Application {n}")


class NeedStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedStandard
        django_get_or_create = ("site_kind", "valid_from")

    site_kind = SiteKind.VILLAGE_OFFICE
    valid_from = date(2020, 1, 1)
    mbps_per_staff = Decimal("0.5")
    mbps_per_concurrent_resident = Decimal("0.5")
    concurrent_share = Decimal("0.005")
    min_mbps = Decimal("4")
    source = "test"


class UpgradeOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UpgradeOption

    site = factory.SubFactory(SiteFactory)
    technology = LinkTechnology.CELLULAR
    one_off_cost_idr = 3_000_000
    monthly_cost_idr = 500_000
    resulting_mbps = Decimal("10")
