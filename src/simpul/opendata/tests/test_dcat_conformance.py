"""The catalogue as its consumers read it: pyshacl with the official DCAT-AP 3.0.0 shapes, and rdflib reading the
Turtle and RDF/XML the way a CKAN harvester's DCAT profile does (ckanext-dcat itself needs a CKAN install)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from simpul.core.http.urls import site_base
from simpul.infrastructure.models import Site, SiteKind
from simpul.opendata.drafts import (
    dataset_draft_for_change,
    dataset_draft_keep_file,
    dataset_draft_publish,
    dataset_draft_submit,
)
from simpul.opendata.services import dataset_withdraw, datasets_refresh_generated
from simpul.opendata.tests.factories import publish_upload

SHAPES = Path(__file__).parent / "fixtures" / "dcat-ap-3.0.0"
CSVW = Namespace("http://www.w3.org/ns/csvw#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
CKAN_TAG = re.compile(r"^[\w \-.]{2,100}$")


@pytest.fixture
def built(generated, region_tree):
    for code, lat, lon in (("kantor-bupati", "-2.8833", "103.8500"), ("balai-desa-sukarami", "-2.4600", "104.0100")):
        Site.objects.create(code=code, name=code, kind=SiteKind.OPD_OFFICE, region=region_tree["16.06.01.2001"],
                            latitude=lat, longitude=lon)
    datasets_refresh_generated()
    return generated


def _shapes(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(SHAPES / f"releases_3.0.0_{name}.ttl", format="turtle")
    return graph


def _graph(client, path: str, fmt: str) -> Graph:
    response = client.get(path)
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode(), format=fmt)


def _report(results: Graph, only: list | None = None) -> str:
    sh = Namespace("http://www.w3.org/ns/shacl#")
    lines = []
    for result in results.subjects(RDF.type, sh.ValidationResult) if only is None else only:
        lines.append(" | ".join(str(results.value(result, p)) for p in
                                (sh.resultSeverity, sh.focusNode, sh.resultPath, sh.resultMessage)))
    return "\n".join(sorted(set(lines)))


def test_the_served_catalogue_conforms_to_the_mandatory_range_and_recommended_shapes(client, built):
    """The release's full shape set (mandatory properties and every range) and its recommended properties."""
    data = _graph(client, "/data/catalog.jsonld", "json-ld")
    shapes = _shapes("shacl_dcat-ap-SHACL", "html_shacl_shapes_recommended")
    # RDFS entailment as the shapes assume it (every IRI an rdfs:Resource, a download URL included).
    conforms, results, _text = validate(data, shacl_graph=shapes, inference="rdfs", allow_warnings=False)
    report = _report(results)
    assert conforms and not report, report


def test_the_controlled_vocabulary_shapes_that_apply_to_a_regency_hold(client, built):
    """The EU vocabulary shapes. The catalogue states each term's scheme (the shapes import the vocabularies from
    the web). Three results are expected and nothing else:
    - dct:publisher must be an EU corporate body: a regency office is not one;
    - dct:spatial must be an EU country, place or continent, or a GeoNames IRI: a kabupaten is none of these;
    - spdx:algorithm must match `^https://spdx.org/rdf/terms`, while the release's own shapes and the DCAT-AP
      3.0.0 specification name the algorithm in the http namespace (`spdx:checksumAlgorithm_sha256`), as here."""
    data = _graph(client, "/data/catalog.jsonld", "json-ld")
    _conforms, results, _text = validate(data, shacl_graph=_shapes("html_shacl_mdr-vocabularies.shape"),
                                         inference="none", inplace=True)  # in place: the same blank nodes
    sh = Namespace("http://www.w3.org/ns/shacl#")
    locations = set(data.subjects(RDF.type, DCTERMS.Location))
    expected = {DCTERMS.publisher, DCTERMS.spatial, SPDX.algorithm}
    publishers = set(data.objects(None, DCTERMS.publisher))
    algorithms = set(data.objects(None, SPDX.algorithm))
    left = [r for r in results.subjects(RDF.type, sh.ValidationResult)
            if results.value(r, sh.resultPath) not in expected
            and results.value(r, sh.focusNode) not in locations | algorithms
            and not (results.value(r, sh.focusNode) in publishers
                     and results.value(r, sh.resultPath) in (DCTERMS.type, SKOS.inScheme))]
    assert not left, _report(results, left)
    assert [r for r in results.subjects(RDF.type, sh.ValidationResult)
            if results.value(r, sh.resultPath) == SPDX.algorithm], "the https pattern was fixed upstream: drop it"


@pytest.mark.parametrize(("path", "fmt", "media"), [
    ("/data/catalog.ttl", "turtle", "text/turtle"),
    ("/data/catalog.rdf", "xml", "application/rdf+xml"),
    ("/data/catalog.jsonld", "json-ld", "application/ld+json"),
])
def test_every_format_says_the_same(client, built, path, fmt, media):
    response = client.get(path)
    assert response["Content-Type"].split(";")[0] == media
    reference = _graph(client, "/data/catalog.jsonld", "json-ld")
    graph = Graph().parse(data=response.content.decode(), format=fmt)
    assert len(graph) == len(reference) > 500
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == set(reference.subjects(RDF.type, DCAT.Dataset))


def test_the_catalogue_follows_the_accept_header(client, built):
    turtle = client.get("/data/catalog", HTTP_ACCEPT="text/turtle")
    assert turtle["Content-Type"].startswith("text/turtle") and "Accept" in turtle["Vary"].split(", ")
    Graph().parse(data=turtle.content.decode(), format="turtle")
    xml = client.get("/data/catalog", HTTP_ACCEPT="text/html;q=0.9, application/rdf+xml;q=0.8")
    assert xml["Content-Type"].startswith("application/rdf+xml")
    plain = client.get("/data/catalog", HTTP_ACCEPT="*/*")
    assert plain["Content-Type"].startswith("application/ld+json")
    assert '</data/catalog.ttl>; rel="alternate"; type="text/turtle"' in plain["Link"]


def test_a_harvester_finds_every_field_it_maps(client, built):
    """What ckanext-dcat's euro_dcat_ap profile reads into a CKAN package, checked on the Turtle: a title, notes,
    tags CKAN accepts, a licence, resources with a URL, a format and a size; no empty node."""
    graph = _graph(client, "/data/catalog.ttl", "turtle")
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 4
    for dataset in datasets:
        assert graph.value(dataset, DCTERMS.title) and graph.value(dataset, DCTERMS.description)
        tags = [str(k) for k in graph.objects(dataset, DCAT.keyword)]
        assert tags and all(CKAN_TAG.match(t) for t in tags), tags
        assert graph.value(dataset, DCTERMS.license) is not None
        assert graph.value(dataset, DCTERMS.temporal) is not None
        assert graph.value(graph.value(dataset, DCTERMS.publisher), FOAF.name)
        for distribution in graph.objects(dataset, DCAT.distribution):
            assert str(graph.value(distribution, DCAT.downloadURL)).startswith("http")
            assert str(graph.value(distribution, DCTERMS["format"])).startswith(EU + "file-type/")
            assert graph.value(distribution, DCAT.byteSize).datatype == URIRef(
                "http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
            assert graph.value(distribution, DCATAP.availability) == URIRef(EU + "planned-availability/STABLE")
    for node in graph.all_nodes():  # a node that is only pointed at, with nothing said about it, is what broke
        if not isinstance(node, Literal) and (None, None, node) in graph and str(node).startswith("n"):
            assert (node, None, None) in graph, node


def test_ms_var_describes_every_column_of_every_distribution(client, built):
    graph = _graph(client, "/data/catalog.ttl", "turtle")
    sdi = Namespace(site_base() + "/data/ns/satu-data#")
    for dataset in built:
        node = URIRef(f"{site_base()}/data/{dataset.slug}/#dataset")
        schema = graph.value(node, sdi.variables)
        assert schema is not None, dataset.slug
        columns = graph.collection(graph.value(schema, CSVW.column))
        names = [str(graph.value(c, CSVW.name)) for c in columns]
        dataset.refresh_from_db()
        assert names == dataset.columns, dataset.slug
        assert all(graph.value(c, DCTERMS.description) for c in columns), dataset.slug
        csv = URIRef(f"{site_base()}/data/{dataset.slug}/unduh.csv")
        assert graph.value(csv, CSVW.tableSchema) == schema
        header = client.get(f"/data/{dataset.slug}/unduh.csv").content.decode("utf-8-sig").splitlines()[0]
        assert header.split(",") == names
        activity = graph.value(node, sdi.statisticalActivity)
        assert graph.value(activity, RDF.type) == sdi.StatisticalActivity
        assert graph.value(activity, DCTERMS.title) and graph.value(activity, sdi.coverage)


def test_the_satu_data_vocabulary_defines_every_term_the_catalogue_uses(client, built):
    catalogue = _graph(client, "/data/catalog.ttl", "turtle")
    vocabulary = _graph(client, "/data/ns/satu-data", "turtle")
    namespace = site_base() + "/data/ns/satu-data#"
    used = {t for triple in catalogue for t in triple if isinstance(t, URIRef) and str(t).startswith(namespace)}
    assert used
    for term in used:
        assert vocabulary.value(term, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) is not None, term
        assert vocabulary.value(term, SKOS.closeMatch) is not None, term


def test_one_walidata_name_and_each_dataset_its_own_coverage(client, built):
    doc = json.loads(client.get("/data/catalog.jsonld").content)
    walidata = {d["sdi:walidata"]["foaf:name"] for d in doc["dcat:dataset"]}
    assert walidata == {doc["dct:publisher"]["foaf:name"]} == {"Dinas Komunikasi dan Informatika Kabupaten Musi Banyuasin"}
    page = client.get("/data/konektivitas-desa/").content.decode()
    assert "Dinas Komunikasi dan Informatika Kabupaten Musi Banyuasin" in page
    coverage = {d["dct:identifier"]: d["sdi:statisticalActivity"]["sdi:coverage"]["@value"] for d in doc["dcat:dataset"]}
    assert "lokasi layanan pemerintah" in coverage["konektivitas-desa"]
    assert coverage["konektivitas-desa"] != coverage["kasus-per-layanan-kecamatan-bulanan"]


def test_identifiers_follow_the_site_address_setting(client, built, settings):
    settings.SITE_URL = "https://data.banyuasinkab.go.id/"
    doc = json.loads(client.get("/data/catalog.jsonld").content)
    assert doc["@id"] == "https://data.banyuasinkab.go.id/data/catalog.jsonld"
    urls = [d["dcat:downloadURL"]["@id"] for ds in doc["dcat:dataset"] for d in ds["dcat:distribution"]]
    assert urls and all(u.startswith("https://data.banyuasinkab.go.id/data/") for u in urls)


def test_a_walidatas_reviewed_upload_conforms_and_a_withdrawn_one_is_not_listed(client, built, personas):
    """An uploaded dataset (published by a second person, then with its file replaced) is in the catalogue and
    conforms to the same shapes, its column kinds as CSVW datatypes; a withdrawn one is gone from every format."""
    kept = publish_upload(steward=personas.steward, reviewer=personas.admin, producer=personas.dinkominfo,
                          content=b"kode_kecamatan,jumlah_sd\n16.06.01,31\n16.06.02,12\n")
    draft = dataset_draft_keep_file(actor=personas.steward, draft=dataset_draft_for_change(
        actor=personas.steward, dataset=kept), upload_name="sd.csv", content=b"kode_kecamatan,jumlah_sd\n16.06.01,33\n")
    dataset_draft_publish(actor=personas.admin, draft=dataset_draft_submit(actor=personas.steward, draft=draft))
    gone = publish_upload(steward=personas.steward, reviewer=personas.admin, producer=personas.dinkominfo,
                          slug="sekolah-dasar-lama")
    dataset_withdraw(actor=personas.steward, dataset=gone, reason="Angka tahun 2024 salah hitung.")
    data = _graph(client, "/data/catalog.jsonld", "json-ld")
    conforms, results, _text = validate(data, shacl_graph=_shapes("shacl_dcat-ap-SHACL", "html_shacl_shapes_recommended"),
                                        inference="rdfs", allow_warnings=False)
    report = _report(results)
    assert conforms and not report, report
    node = URIRef(f"{site_base()}/data/sekolah-dasar/#dataset")
    assert (node, RDF.type, DCAT.Dataset) in data
    sdi = Namespace(site_base() + "/data/ns/satu-data#")
    columns = data.collection(data.value(data.value(node, sdi.variables), CSVW.column))
    assert [(str(data.value(c, CSVW.name)), str(data.value(c, CSVW.datatype))) for c in columns] == [
        ("kode_kecamatan", "string"), ("jumlah_sd", "integer")]
    for path, fmt in (("/data/catalog.jsonld", "json-ld"), ("/data/catalog.ttl", "turtle")):
        graph = _graph(client, path, fmt)
        assert (URIRef(f"{site_base()}/data/sekolah-dasar-lama/#dataset"), None, None) not in graph
        assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 5
