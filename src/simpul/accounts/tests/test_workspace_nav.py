"""The staff navigation (in Indonesian, the default): each role sees its own workspace sections on every staff page, citizens never."""

from __future__ import annotations

import pytest
from django.test import Client

from simpul.accounts.models import Role
from simpul.accounts.workspace import staff_sections


class _User:
    is_authenticated = True
    is_superuser = False

    def __init__(self, role: str) -> None:
        self.role = role


def _labels(role: str, path: str = "") -> list[str]:
    return [str(item.label) for item in staff_sections(_User(role), path)]


def test_each_role_sees_its_own_sections() -> None:
    assert _labels(Role.VILLAGE_OPERATOR) == ["Permohonan hari ini"]
    assert _labels(Role.OFFICER) == ["Daftar kerja", "Dasbor"]
    assert _labels(Role.AGENCY_HEAD) == ["Daftar kerja", "Dasbor", "Infrastruktur", "Pegawai"]
    assert _labels(Role.PLATFORM_ADMIN) == ["Daftar kerja", "Dasbor", "Infrastruktur", "Asesmen", "Data terbuka",
                                            "Layanan", "Administrasi"]
    assert _labels(Role.EVALUATOR) == ["Asesmen"]
    assert _labels(Role.DATA_STEWARD) == ["Data terbuka"]
    assert _labels(Role.CITIZEN) == []


def test_only_a_superuser_gets_the_django_admin_link() -> None:
    superuser = _User(Role.PLATFORM_ADMIN)
    superuser.is_superuser = True
    labels = [str(item.label) for item in staff_sections(superuser)]
    assert labels[-1] == "Admin Django" and "Admin Django" not in _labels(Role.PLATFORM_ADMIN)
    current = [str(i.label) for i in staff_sections(superuser, "/kantor/admin/staf/") if i.current]
    assert current == ["Administrasi"]


def test_the_current_section_is_the_longest_matching_address() -> None:
    items = staff_sections(_User(Role.OFFICER), "/kantor/dasbor/")
    assert [(str(i.label), i.current) for i in items] == [("Daftar kerja", False), ("Dasbor", True)]


def test_anonymous_visitors_get_no_sections() -> None:
    class Anonymous:
        is_authenticated = False

    assert staff_sections(Anonymous()) == []


@pytest.mark.django_db
def test_public_infrastructure_page_loads_no_staff_stylesheet(client: Client) -> None:
    page = client.get("/infrastruktur/").content.decode()
    assert "staff.css" not in page
    assert 'class="staff-nav"' not in page
