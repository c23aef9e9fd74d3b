import pytest

from simpul.assessment import system_evidence
from simpul.assessment.models import EvidenceKind
from simpul.assessment.tests.factories import open_round

pytestmark = pytest.mark.django_db


def test_figures_are_offered_for_the_indicators_named_in_the_data_file(personas, monkeypatch):
    rnd = open_round("spbe-2020", actor=personas.evaluator)
    monkeypatch.setitem(system_evidence.SOURCES, "connectivity", lambda s, e: ("Konektivitas", "10 dari 12 desa"))
    monkeypatch.setitem(system_evidence.SOURCES, "service_sla", lambda s, e: None)
    offers = system_evidence.system_evidence_offers(round=rnd)
    assert [(o.key, o.item_codes) for o in offers] == [("connectivity", ["6", "17"])]
    ev = system_evidence.system_evidence_add(round=rnd, key="connectivity", actor=personas.evaluator)
    assert ev.kind == EvidenceKind.SYSTEM and ev.period and sorted(i.code for i in ev.items.all()) == ["17", "6"]


def test_real_sources_run_on_an_empty_database(personas):
    rnd = open_round("spbe-2020", actor=personas.evaluator)
    offers = system_evidence.system_evidence_offers(round=rnd)
    assert all(o.item_codes for o in offers)


def test_complaints_and_open_data_are_offered_for_indicators_42_and_43(personas, monkeypatch):
    rnd = open_round("spbe-2020", actor=personas.evaluator)
    for key in ("connectivity", "service_sla"):
        monkeypatch.setitem(system_evidence.SOURCES, key, lambda s, e: None)
    monkeypatch.setitem(system_evidence.SOURCES, "complaints", lambda s, e: ("Pengaduan", "12 diterima"))
    offers = {o.key: o.item_codes for o in system_evidence.system_evidence_offers(round=rnd)}
    assert offers == {"complaints": ["42"]}


def test_open_data_figure_counts_the_published_datasets(personas):
    from simpul.opendata import reference as opendata_reference

    class Out:
        def write(self, s):
            pass

    opendata_reference.load(stdout=Out())
    rnd = open_round("spbe-2020", actor=personas.evaluator)
    offer = next(o for o in system_evidence.system_evidence_offers(round=rnd) if o.key == "open_data")
    assert offer.item_codes == ["43"] and "4" in offer.text
