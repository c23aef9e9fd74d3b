from __future__ import annotations

import io

import pytest

from simpul.agencies.models import Agency


@pytest.fixture
def demo_catalog(personas):
    """The Musi Banyuasin demo catalog, loaded from its YAML files."""
    Agency.objects.get_or_create(code="dinas-pu", defaults={"name": "Dinas Pekerjaan Umum", "short_name": "Dinas PU"})
    from simpul.catalog import demo

    out = io.StringIO()
    demo.load(stdout=out)
    assert "skipped" not in out.getvalue(), out.getvalue()
    return personas
