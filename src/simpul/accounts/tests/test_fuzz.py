"""Hypothesis fuzzing of the account forms: any input gets a page or a redirect, never a server error."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIELDS = {
    "register_citizen": ["full_name", "nik", "domicile", "email", "phone", "password", "password_again"],
    "register_business": [
        "business_name",
        "nib",
        "kbli_codes",
        "address",
        "desa",
        "full_name",
        "email",
        "phone",
        "password",
        "password_again",
    ],
    "login": ["username", "password"],
    "password_reset": ["email"],
}
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["1606014107950001", "16.06.01.2001", "9120001234567", "47111", "0812 3456 7890", "a@b.id"]
    ),
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(FIELDS)), data=st.data())
def test_account_forms_never_fail_with_a_server_error(region_tree, name, data):
    values = {field: data.draw(TEXT, label=field) for field in FIELDS[name]}
    response = Client().post(reverse(f"accounts:{name}"), values)
    assert response.status_code in (200, 302, 400, 429)
