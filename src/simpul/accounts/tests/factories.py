"""factory_boy factories for accounts."""

from __future__ import annotations

import factory

from simpul.accounts.models import BusinessProfile, CitizenProfile, Role, User
from simpul.accounts.validators import validate_nik
from simpul.core.pdp import nik_hash

PASSWORD = "correct-horse-battery-staple-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.simpul")
    full_name = factory.Faker("name", locale="id_ID")
    role = Role.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        officer = factory.Trait(role=Role.OFFICER)
        business = factory.Trait(role=Role.BUSINESS)


class CitizenProfileFactory(factory.django.DjangoModelFactory):
    """Needs the `region_tree` fixture (domicile Sukarami, NIK registered in Sekayu)."""

    class Meta:
        model = CitizenProfile

    user = factory.SubFactory(UserFactory)
    nik = factory.Sequence(lambda n: f"16060141079500{n % 99 + 1:02d}")
    nik_hash = factory.LazyAttribute(lambda o: nik_hash(o.nik))
    full_name = factory.LazyAttribute(lambda o: o.user.full_name)
    birth_date = factory.LazyAttribute(lambda o: validate_nik(o.nik).birth_date)
    sex = factory.LazyAttribute(lambda o: validate_nik(o.nik).sex)
    domicile_id = "16.06.01.2001"


class BusinessProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessProfile

    user = factory.SubFactory(UserFactory, business=True)
    business_name = "CV Sumber Rejeki"
    nib = factory.Sequence(lambda n: f"{9120000000000 + n}")
    kbli_codes = factory.LazyFunction(lambda: ["47111"])
    address = "Jl. Kolonel Wahid Udin, Sekayu"
    desa_id = "16.06.01.2001"
