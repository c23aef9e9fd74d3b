"""The open-data catalogue in DCAT-AP 3.0.0: JSON-LD, Turtle and RDF/XML (`/data/catalog.jsonld|.ttl|.rdf`).

Checked in the test suite with pyshacl against the official DCAT-AP 3.0.0 shapes (mandatory, ranges and
recommended), and read back with rdflib the way a CKAN harvester's DCAT profile reads it.

- Catalogue (dcat:Catalog): title, description, publisher (the walidata, a foaf:Agent), homepage, language,
  licence, spatial (the kabupaten), issued/modified, theme taxonomies (the EU data-theme vocabulary and the
  portal's own themes).
- Dataset: identifier, title, description, keywords (each a valid CKAN tag), the EU data theme (dcat:theme) with
  the portal's own theme alongside (dct:subject), publisher (the producing OPD), contact point, licence, frequency, temporal, spatial,
  issued/modified, landing page, conformsTo for the reference codes.
- Distribution (CSV, XLSX, JSON): access and download URL, IANA media type and EU file type as IRIs, byteSize as
  xsd:nonNegativeInteger, SHA-256 as xsd:hexBinary, description, availability (EU planned availability), licence.
- Satu Data Indonesia metadata (Perpres 39/2019, Peraturan BPS 5/2020) in the `sdi:` vocabulary served at
  `/data/ns/satu-data` (`SDI_TERMS` below: every term with an IRI, labels and the standard term it maps to):
  MS-Keg as an `sdi:StatisticalActivity`, MS-Var as a CSVW table schema (one `csvw:Column` per column of the
  distribution, which the CSV distribution points at with `csvw:tableSchema`), MS-Ind as `sdi:Indicator` nodes,
  the walidata as an organisation, the small-count rule as text.

Every IRI is absolute on the site's public address (simpul.core.http.urls).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from django.urls import reverse
from rdflib import Graph

from simpul.core.http.urls import site_base
from simpul.infrastructure.selectors import Extent, sites_extent
from simpul.opendata.models import Dataset, Format, Theme
from simpul.regions.national import home_kabupaten

SDI_PATH = "/data/ns/satu-data"
EU = "http://publications.europa.eu/resource/authority/"
DATA_THEME = EU + "data-theme"
LANGUAGE_ID = {"@id": EU + "language/IND", "@type": "dct:LinguisticSystem", "skos:inScheme": {"@id": EU + "language"}}
STABLE = {"@id": EU + "planned-availability/STABLE", "@type": "skos:Concept",
          "skos:prefLabel": {"@value": "stable", "@language": "en"},
          "skos:inScheme": {"@id": EU + "planned-availability"}}
# ADMS publisher type of a regency office (its vocabulary has no Indonesian term; a regional authority it is).
REGIONAL_AUTHORITY = {"@id": "http://purl.org/adms/publishertype/RegionalAuthority", "@type": "skos:Concept",
                      "skos:prefLabel": {"@value": "Regional authority", "@language": "en"},
                      "skos:inScheme": {"@id": "http://purl.org/adms/publishertype/1.0", "@type": "skos:ConceptScheme",
                                        "dct:title": {"@value": "Publisher type", "@language": "en"}}}
LICENCE_TYPE = "http://purl.org/adms/licencetype/"
# ADMS licence types of each licence (what a harvester filters on: may I reuse it, must I attribute, share alike?).
LICENCE_TYPES = {
    "CC-BY-4.0": ["Attribution"], "CC-BY-SA-4.0": ["Attribution", "ShareAlike"], "CC0-1.0": ["PublicDomain"],
    "ODbL-1.0": ["Attribution", "ShareAlike"],
}
LICENCE_TYPE_LABELS = {"Attribution": "Attribution", "ShareAlike": "Share alike", "PublicDomain": "Public domain"}
LICENSES = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}
CATALOG_LICENSE = "CC-BY-4.0"
FREQUENCIES = {
    "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "quarterly": "QUARTERLY", "annual": "ANNUAL",
    "irregular": "IRREG",
}
# The portal's themes on the EU data-theme vocabulary ("Other" has no EU theme: only the portal's own is given).
EU_THEMES = {
    Theme.GOVERNMENT: "GOVE", Theme.POPULATION: "SOCI", Theme.INFRASTRUCTURE: "TRAN", Theme.ICT: "TECH",
    Theme.ECONOMY: "ECON", Theme.HEALTH: "HEAL", Theme.EDUCATION: "EDUC", Theme.ENVIRONMENT: "ENVI",
}
EU_THEME_LABELS = {  # the vocabulary's English labels
    "GOVE": "Government and public sector", "SOCI": "Population and society", "TRAN": "Transport",
    "TECH": "Science and technology", "ECON": "Economy and finance", "HEAL": "Health",
    "EDUC": "Education, culture and sport", "ENVI": "Environment",
}
IANA_MEDIA = "https://www.iana.org/assignments/media-types/"
FILE_TYPES = {Format.CSV: "CSV", Format.XLSX: "XLSX", Format.JSON: "JSON"}
REFERENCE_URLS = {
    "kemendagri-wilayah": "https://kodewilayah.id/",
    "kbli-2020": "https://oss.go.id/informasi/kbli-berbasis-risiko",
}
CSVW_TYPES = {"string": "string", "integer": "integer", "decimal": "decimal", "date": "date", "boolean": "boolean"}
# CKAN's tag rule (ckan.logic.validators.tag_name_validator): letters, digits, space, "-", "_", "." and 2-100 long.
CKAN_TAG = re.compile(r"^[\w \-.]{2,100}$")

# The Satu Data vocabulary: term -> (kind, label id, label en, comment, the standard term closest to it).
SDI_TERMS: dict[str, tuple[str, str, str, str, str]] = {
    "StatisticalActivity": ("Class", "Kegiatan statistik (MS-Keg)", "Statistical activity (MS-Keg)",
                            "The activity that produced a dataset, as Peraturan BPS 5/2020 describes it.",
                            "http://www.w3.org/ns/prov#Activity"),
    "Indicator": ("Class", "Indikator (MS-Ind)", "Indicator (MS-Ind)",
                  "A statistical indicator computed from a dataset's variables.",
                  "http://www.w3.org/ns/dqv#Metric"),
    "statisticalActivity": ("Property", "Metadata kegiatan (MS-Keg)", "Activity metadata (MS-Keg)",
                            "The statistical activity a dataset comes from.", "http://www.w3.org/ns/prov#wasGeneratedBy"),
    "variables": ("Property", "Metadata variabel (MS-Var)", "Variable metadata (MS-Var)",
                  "The dataset's table schema: one csvw:Column per column of every distribution.",
                  "http://www.w3.org/ns/csvw#tableSchema"),
    "indicator": ("Property", "Metadata indikator (MS-Ind)", "Indicator metadata (MS-Ind)",
                  "An indicator published with the dataset.", "http://purl.org/linked-data/cube#measure"),
    "walidata": ("Property", "Walidata", "Data steward (walidata)",
                 "The walidata of the region (Perpres 39/2019) that checks and publishes the dataset.",
                 "http://data.europa.eu/930/custodian"),
    "organiser": ("Property", "Penyelenggara", "Organiser", "Who runs the statistical activity.",
                  "http://purl.org/dc/terms/creator"),
    "collectionMethod": ("Property", "Cara pengumpulan data", "Collection method",
                         "How the data of the activity is collected.", "http://purl.org/dc/terms/description"),
    "statisticsType": ("Property", "Jenis statistik", "Type of statistics",
                       "Basic, sectoral or special statistics (UU 16/1997).", "http://purl.org/dc/terms/type"),
    "purpose": ("Property", "Tujuan kegiatan", "Purpose", "Why the activity is run.",
                "http://purl.org/dc/terms/description"),
    "coverage": ("Property", "Cakupan", "Coverage", "What the activity covers.", "http://purl.org/dc/terms/coverage"),
    "unit": ("Property", "Satuan", "Unit of measure", "The unit of a variable's or an indicator's values.",
             "http://www.w3.org/ns/dqv#hasUnit"),
    "referenceCode": ("Property", "Kode referensi", "Reference code list",
                      "The code list a variable's values come from.", "http://purl.org/dc/terms/conformsTo"),
    "formula": ("Property", "Rumus", "Formula", "How an indicator is computed.", "http://purl.org/dc/terms/description"),
    "interpretation": ("Property", "Interpretasi", "Interpretation", "How to read an indicator's values.",
                       "http://www.w3.org/2004/02/skos/core#note"),
    "suppressionRule": ("Property", "Aturan sel kecil", "Small-count rule",
                        "How small counts are hidden so that nobody can be recognised.",
                        "http://www.w3.org/2004/02/skos/core#note"),
}
# MS-Keg keys as stored (generators, the upload form) -> the term that carries them.
KEG_TERMS = {"judul": "dct:title", "penyelenggara": "sdi:organiser", "cara_pengumpulan": "sdi:collectionMethod",
             "jenis_statistik": "sdi:statisticsType", "tujuan": "sdi:purpose", "cakupan": "sdi:coverage"}


def sdi_namespace(base: str | None = None) -> str:
    return (base or site_base()) + SDI_PATH + "#"


def context(base: str) -> dict[str, str]:
    return {
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "dcatap": "http://data.europa.eu/r5r/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "spdx": "http://spdx.org/rdf/terms#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "csvw": "http://www.w3.org/ns/csvw#",
        "sdi": sdi_namespace(base),
    }


def walidata_name() -> str:
    """The regency's walidata (Perpres 39/2019: the unit that runs statistics, Dinas Kominfo), one name everywhere:
    the catalogue's publisher, every dataset's walidata, the dataset page."""
    return f"Dinas Komunikasi dan Informatika {home_kabupaten().name}"


def ckan_tags(keywords: list[str]) -> list[str]:
    """Keywords as CKAN accepts them: characters CKAN refuses become spaces, too short or long ones are dropped."""
    out: list[str] = []
    for keyword in keywords:
        tag = " ".join(re.sub(r"[^\w \-.]", " ", str(keyword)).split())[:100]
        if CKAN_TAG.match(tag) and tag not in out:
            out.append(tag)
    return out


def _url(base: str, name: str, **kwargs: Any) -> str:
    return base + reverse(name, kwargs=kwargs)


def _when(value: datetime | date | None) -> dict[str, str] | None:
    if value is None:
        return None
    kind = "xsd:dateTime" if isinstance(value, datetime) else "xsd:date"
    return {"@value": value.isoformat(), "@type": kind}


def _lang(id_text: str, en_text: str) -> list[dict[str, str]]:
    return [{"@value": t, "@language": lang} for t, lang in ((id_text, "id"), (en_text, "en")) if t]


def _id_text(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "id"}


def _license(code: str) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": LICENSES.get(code, code), "@type": "dct:LicenseDocument"}
    kinds = LICENCE_TYPES.get(code)
    if kinds:
        node["dct:type"] = [{"@id": LICENCE_TYPE + k, "@type": "skos:Concept",
                             "skos:prefLabel": {"@value": LICENCE_TYPE_LABELS[k], "@language": "en"},
                             "skos:inScheme": {"@id": LICENCE_TYPE + "1.0", "@type": "skos:ConceptScheme",
                                               "dct:title": {"@value": "Licence type", "@language": "en"}}}
                            for k in kinds]
    return node


def _document(url: str) -> dict[str, str]:
    return {"@id": url, "@type": "foaf:Document"}


def _agent(name: str) -> dict[str, Any]:
    return {"@type": ["foaf:Agent", "foaf:Organization"], "foaf:name": name, "dct:type": REGIONAL_AUTHORITY}


def local_theme_scheme(base: str) -> str:
    return base + reverse("opendata:list") + "#tema"


def _local_theme(dataset: Dataset, base: str) -> dict[str, Any]:
    """The portal's own theme (Satu Data's grouping), a concept of the portal's scheme, given as dct:subject: the
    EU vocabulary shapes allow only the EU data themes under dcat:theme."""
    return {"@id": f"{base}{reverse('opendata:list')}?theme={dataset.theme}", "@type": "skos:Concept",
           "skos:prefLabel": _id_text(str(dataset.get_theme_display())),
           "skos:inScheme": {"@id": local_theme_scheme(base)}}


def _eu_theme(dataset: Dataset) -> dict[str, Any] | None:
    eu = EU_THEMES.get(Theme(dataset.theme)) if dataset.theme in Theme.values else None
    if eu is None:
        return None
    return {"@id": f"{DATA_THEME}/{eu}", "@type": "skos:Concept",
            "skos:prefLabel": {"@value": EU_THEME_LABELS[eu], "@language": "en"}, "skos:inScheme": {"@id": DATA_THEME}}


WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"


def _spatial(code: str, label: str, base: str, extent: Extent | None) -> dict[str, Any]:
    """The kabupaten (or an area in it) by its Kemendagri code; with the extent of the registered sites as its
    bounding box and centre (the national region list has no coordinates)."""
    node: dict[str, Any] = {"@id": f"{base}{reverse('opendata:list')}#wilayah-{code}", "@type": "dct:Location",
                            "skos:notation": code, "skos:prefLabel": _id_text(label or code)}
    if extent is not None:
        w, s, e, n = extent.min_lon, extent.min_lat, extent.max_lon, extent.max_lat
        lat, lon = extent.centre
        node["dcat:bbox"] = {"@value": f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))", "@type": WKT}
        node["dcat:centroid"] = {"@value": f"POINT({lon} {lat})", "@type": WKT}
    return node


def _schema(dataset: Dataset, landing: str) -> dict[str, Any] | None:
    """MS-Var as a CSVW table schema: a column for every variable, in the table's column order."""
    variables = {v.get("name"): v for v in dataset.ms_var or [] if v.get("name")}
    names = list(dataset.columns or []) or list(variables)
    if not names:
        return None
    columns = []
    for name in names:
        variable = variables.get(name, {})
        column: dict[str, Any] = {"@type": "csvw:Column", "csvw:name": name, "csvw:titles": name,
                                  "csvw:datatype": CSVW_TYPES.get(variable.get("type") or "string", "string")}
        if variable.get("definition"):
            column["dct:description"] = _id_text(variable["definition"])
        if variable.get("unit"):
            column["sdi:unit"] = variable["unit"]
        if variable.get("reference"):
            column["sdi:referenceCode"] = {"@id": REFERENCE_URLS.get(variable["reference"],
                                                                     f"{landing}#kode-{variable['reference']}"),
                                           "@type": "dct:Standard", "dct:title": variable["reference"]}
        columns.append(column)
    return {"@id": landing + "#skema", "@type": "csvw:Schema", "csvw:column": {"@list": columns}}


def _activity(dataset: Dataset, landing: str) -> dict[str, Any] | None:
    keg = {k: v for k, v in (dataset.ms_keg or {}).items() if v}
    if not keg:
        return None
    node: dict[str, Any] = {"@id": landing + "#kegiatan", "@type": "sdi:StatisticalActivity"}
    notes = []
    for key, value in keg.items():
        term = KEG_TERMS.get(key)
        if term:
            node[term] = _id_text(str(value))
        else:
            notes.append(f"{key}: {value}")
    if notes:
        node["skos:note"] = [_id_text(n) for n in notes]
    return node


def _indicators(dataset: Dataset, landing: str) -> list[dict[str, Any]]:
    out = []
    for index, indicator in enumerate(dataset.ms_ind or []):
        node: dict[str, Any] = {"@id": f"{landing}#indikator-{index + 1}", "@type": "sdi:Indicator",
                                "skos:prefLabel": indicator.get("name") or f"indikator {index + 1}"}
        if indicator.get("definition"):
            node["skos:definition"] = _id_text(indicator["definition"])
        for key in ("formula", "unit", "interpretation"):
            if indicator.get(key):
                node[f"sdi:{key}"] = _id_text(indicator[key]) if key != "unit" else indicator[key]
        out.append(node)
    return out


def _distribution(dataset: Dataset, d: Any, landing: str, base: str, schema: dict[str, Any] | None) -> dict[str, Any]:
    url = _url(base, "opendata:download", slug=dataset.slug, fmt=d.format)
    label = d.get_format_display()
    node: dict[str, Any] = {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": _lang(f"{dataset.title_id} ({label})", f"{dataset.title_en} ({label})" if dataset.title_en else ""),
        "dct:description": _lang(f"Seluruh baris dataset ini dalam format {label}.",
                                 f"Every row of this dataset as {label}."),
        "dcat:accessURL": {"@id": landing},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": IANA_MEDIA + d.media_type, "@type": "dct:MediaType"},
        "dct:format": {"@id": f"{EU}file-type/{FILE_TYPES.get(d.format, 'BIN')}", "@type": "dct:MediaTypeOrExtent",
                       "skos:inScheme": {"@id": EU + "file-type"}},
        "dcat:byteSize": {"@value": str(d.byte_size), "@type": "xsd:nonNegativeInteger"},
        "spdx:checksum": {"@type": "spdx:Checksum",
                          "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256", "@type": "spdx:ChecksumAlgorithm"},
                          "spdx:checksumValue": {"@value": d.checksum_sha256, "@type": "xsd:hexBinary"}},
        "dct:modified": _when(d.modified),
        "dct:license": _license(dataset.license),
        "dcatap:availability": STABLE,
    }
    if schema is not None and d.format == Format.CSV:
        node["csvw:tableSchema"] = {"@id": schema["@id"]}
    return {k: v for k, v in node.items() if v is not None}


def dataset_node(dataset: Dataset, base: str, extent: Extent | None = None) -> dict[str, Any]:
    landing = _url(base, "opendata:detail", slug=dataset.slug)
    producer = dataset.producer
    schema = _schema(dataset, landing)
    contact: dict[str, Any] = {"@type": ["vcard:Kind", "vcard:Organization"], "vcard:fn": producer.name,
                               "vcard:hasURL": {"@id": landing}}
    if producer.email:
        contact["vcard:hasEmail"] = {"@id": f"mailto:{producer.email}"}
    node: dict[str, Any] = {
        "@id": landing + "#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.slug,
        "dct:title": _lang(dataset.title_id, dataset.title_en),
        "dct:description": _lang(dataset.description_id or dataset.title_id, dataset.description_en),
        "dcat:keyword": [_id_text(k) for k in ckan_tags(list(dataset.keywords or []))],
        "dcat:theme": _eu_theme(dataset),
        "dct:subject": _local_theme(dataset, base),
        "dct:publisher": _agent(producer.name),
        "dcat:contactPoint": contact,
        "dct:license": _license(dataset.license),
        "dct:accrualPeriodicity": {"@id": f"{EU}frequency/{FREQUENCIES.get(dataset.update_frequency, 'UNKNOWN')}",
                                   "@type": "dct:Frequency", "skos:inScheme": {"@id": EU + "frequency"}},
        "dct:issued": _when(dataset.created_at),
        "dct:modified": _when(dataset.last_refreshed or dataset.updated_at),
        "dcat:landingPage": _document(landing),
        "dct:language": LANGUAGE_ID,
        "dct:conformsTo": [{"@id": REFERENCE_URLS.get(code, f"{landing}#kode-{code}"), "@type": "dct:Standard",
                            "dct:title": code} for code in dataset.reference_codes or []] or None,
        "sdi:walidata": _agent(walidata_name()),
        "sdi:statisticalActivity": _activity(dataset, landing),
        "sdi:variables": schema,
        "sdi:indicator": _indicators(dataset, landing) or None,
        "sdi:suppressionRule": _id_text(dataset.suppression_rule) if dataset.suppression_rule else None,
        "dcat:distribution": [_distribution(dataset, d, landing, base, schema) for d in dataset.distributions.all()],
    }
    if dataset.temporal_start or dataset.temporal_end:
        node["dct:temporal"] = {k: v for k, v in {
            "@type": "dct:PeriodOfTime", "dcat:startDate": _when(dataset.temporal_start),
            "dcat:endDate": _when(dataset.temporal_end)}.items() if v is not None}
    if dataset.spatial_code:
        same = dataset.spatial_code == home_kabupaten().code
        node["dct:spatial"] = _spatial(dataset.spatial_code, dataset.spatial_label, base, extent if same else None)
    return {k: v for k, v in node.items() if v is not None}


def catalog(datasets: list[Dataset], *, base: str | None = None) -> dict[str, Any]:
    base = (base or site_base()).rstrip("/")
    home = home_kabupaten()
    extent = sites_extent()
    issued = min((d.created_at for d in datasets), default=None)
    modified = max((d.last_refreshed or d.updated_at for d in datasets), default=None)
    node: dict[str, Any] = {
        "@context": context(base),
        "@id": base + reverse("opendata:catalog"),
        "@type": "dcat:Catalog",
        "dct:title": _lang(f"Portal Data Terbuka {home.name}", f"Open data portal of {home.name}"),
        "dct:description": _lang("Data terbuka menurut prinsip Satu Data Indonesia (Perpres 39/2019).",
                                 "Open data following the Satu Data Indonesia principles (Perpres 39/2019)."),
        "dct:publisher": _agent(walidata_name()),
        "foaf:homepage": _document(base + reverse("opendata:list")),
        "dct:language": LANGUAGE_ID,
        "dct:license": _license(CATALOG_LICENSE),
        "dct:spatial": _spatial(home.code, home.name, base, extent),
        "dct:issued": _when(issued),
        "dct:modified": _when(modified),
        "dcat:themeTaxonomy": [
            {"@id": DATA_THEME, "@type": "skos:ConceptScheme", "dct:title": {"@value": "Data theme", "@language": "en"}},
            {"@id": local_theme_scheme(base), "@type": "skos:ConceptScheme",
             "dct:title": _lang("Tema portal data", "Themes of the data portal")},
        ],
        "dcat:dataset": [dataset_node(d, base, extent) for d in datasets],
    }
    return {k: v for k, v in node.items() if v is not None}


def vocabulary_turtle(base: str | None = None) -> str:
    """The `sdi:` vocabulary as Turtle: every term with its labels, its comment and the standard term it maps to."""
    ns = sdi_namespace(base)
    lines = [
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        f"@prefix sdi: <{ns}> .",
        "",
        f"<{ns.rstrip('#')}> a owl:Ontology ;",
        '    dct:title "Metadata Satu Data Indonesia (MS-Keg, MS-Var, MS-Ind)"@id, '
        '"Satu Data Indonesia metadata (MS-Keg, MS-Var, MS-Ind)"@en ;',
        '    rdfs:comment "Peraturan BPS 5/2020 metadata as published by Simpul\'s open-data catalogue."@en .',
        "",
    ]
    for term, (kind, label_id, label_en, comment, standard) in SDI_TERMS.items():
        klass = "rdfs:Class" if kind == "Class" else "rdf:Property"
        lines += [
            f"sdi:{term} a {klass} ;",
            f"    rdfs:label {_turtle_text(label_id, 'id')}, {_turtle_text(label_en, 'en')} ;",
            f"    rdfs:comment {_turtle_text(comment, 'en')} ;",
            f"    rdfs:isDefinedBy <{ns.rstrip('#')}> ;",
            f"    skos:closeMatch <{standard}> .",
            "",
        ]
    return "\n".join(lines)


def _turtle_text(text: str, lang: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


RDF_FORMATS = {"jsonld": "application/ld+json", "ttl": "text/turtle", "rdf": "application/rdf+xml"}


def serialize(body: dict[str, Any], fmt: str) -> str:
    """The catalogue (JSON-LD `body`) as `fmt`: "jsonld" as built, "ttl" (Turtle) or "rdf" (RDF/XML) through rdflib,
    parsed from the JSON-LD itself so the three always say the same."""
    text = json.dumps(body, ensure_ascii=False, indent=1)
    if fmt == "jsonld":
        return text
    graph = Graph()
    graph.parse(data=text, format="json-ld")
    for prefix, namespace in body["@context"].items():
        graph.bind(prefix, namespace, override=True)
    return graph.serialize(format="turtle" if fmt == "ttl" else "xml")
