"""The DCAT-AP catalogue as JSON-LD (`/data/catalog.jsonld`), compatible with ckanext-dcat's harvester.

Classes and properties: dcat:Catalog → dcat:dataset → dcat:Dataset (dct:identifier, dct:title,
dct:description, dcat:keyword, dcat:theme, dct:publisher (foaf:Agent), dcat:contactPoint (vcard:Kind),
dct:license, dct:accrualPeriodicity (EU frequency vocabulary), dct:temporal, dct:spatial, dct:issued,
dct:modified, dcat:landingPage, dct:conformsTo for the reference codes) → dcat:distribution →
dcat:Distribution (dcat:accessURL, dcat:downloadURL, dcat:mediaType, dct:format, dcat:byteSize,
spdx:checksum, dct:modified, dct:license). The Satu Data Indonesia statistical metadata (MS-Keg/Var/Ind) is
kept under `sdi:` terms so harvesters that do not know it can ignore it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from simpul.opendata.models import Dataset
from simpul.regions.national import home_kabupaten

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "spdx": "http://spdx.org/rdf/terms#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "adms": "http://www.w3.org/ns/adms#",
    "sdi": "https://simpul.example/ns/satu-data#",
}
LICENSES = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}
FREQUENCIES = {
    "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "quarterly": "QUARTERLY", "annual": "ANNUAL",
    "irregular": "IRREG",
}
FREQ_BASE = "http://publications.europa.eu/resource/authority/frequency/"
REFERENCE_URLS = {
    "kemendagri-wilayah": "https://kodewilayah.id/",
    "kbli-2020": "https://oss.go.id/informasi/kbli-berbasis-risiko",
}


def _url(base: str, name: str, **kwargs: Any) -> str:
    return base + reverse(name, kwargs=kwargs)


def _when(value: Any, kind: str = "xsd:dateTime") -> dict[str, str] | None:
    return None if value is None else {"@value": value.isoformat(), "@type": kind}


def _lang(id_text: str, en_text: str) -> list[dict[str, str]]:
    return [{"@value": t, "@language": lang} for t, lang in ((id_text, "id"), (en_text, "en")) if t]


def dataset_node(dataset: Dataset, base: str) -> dict[str, Any]:
    landing = _url(base, "opendata:detail", slug=dataset.slug)
    producer = dataset.producer
    node: dict[str, Any] = {
        "@id": landing + "#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.slug,
        "dct:title": _lang(dataset.title_id, dataset.title_en),
        "dct:description": _lang(dataset.description_id, dataset.description_en),
        "dcat:keyword": list(dataset.keywords or []),
        "dcat:theme": {"@id": f"{base}/data/?theme={dataset.theme}", "skos:prefLabel": dataset.get_theme_display()},
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": producer.name},
        "dcat:contactPoint": {
            "@type": "vcard:Organization", "vcard:fn": producer.name,
            **({"vcard:hasEmail": {"@id": f"mailto:{producer.email}"}} if producer.email else {}),
        },
        "dct:license": {"@id": LICENSES.get(dataset.license, dataset.license)},
        "dct:accrualPeriodicity": {"@id": FREQ_BASE + FREQUENCIES.get(dataset.update_frequency, "UNKNOWN")},
        "dct:issued": _when(dataset.created_at),
        "dct:modified": _when(dataset.last_refreshed or dataset.updated_at),
        "dcat:landingPage": {"@id": landing},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/IND"},
        "dct:conformsTo": [{"@id": REFERENCE_URLS.get(code, f"{base}/data/#{code}"), "dct:title": code}
                           for code in dataset.reference_codes or []],
        "sdi:walidata": "Dinas Komunikasi dan Informatika" if dataset.walidata_id else None,
        "sdi:msKeg": dataset.ms_keg or None,
        "sdi:msVar": dataset.ms_var or None,
        "sdi:msInd": dataset.ms_ind or None,
        "sdi:suppressionRule": dataset.suppression_rule or None,
        "dcat:distribution": [
            {
                "@id": _url(base, "opendata:download", slug=dataset.slug, fmt=d.format),
                "@type": "dcat:Distribution",
                "dct:title": f"{dataset.title_id} ({d.get_format_display()})",
                "dcat:accessURL": {"@id": landing},
                "dcat:downloadURL": {"@id": _url(base, "opendata:download", slug=dataset.slug, fmt=d.format)},
                "dcat:mediaType": d.media_type,
                "dct:format": d.get_format_display(),
                "dcat:byteSize": {"@value": str(d.byte_size), "@type": "xsd:decimal"},
                "spdx:checksum": {"@type": "spdx:Checksum",
                                  "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                                  "spdx:checksumValue": d.checksum_sha256},
                "dct:modified": _when(d.modified),
                "dct:license": {"@id": LICENSES.get(dataset.license, dataset.license)},
            }
            for d in dataset.distributions.all()
        ],
    }
    if dataset.temporal_start or dataset.temporal_end:
        node["dct:temporal"] = {"@type": "dct:PeriodOfTime",
                                "dcat:startDate": _when(dataset.temporal_start, "xsd:date"),
                                "dcat:endDate": _when(dataset.temporal_end, "xsd:date")}
    if dataset.spatial_code:
        node["dct:spatial"] = {"@type": "dct:Location", "@id": f"{base}/data/#wilayah-{dataset.spatial_code}",
                               "skos:notation": dataset.spatial_code,
                               "skos:prefLabel": dataset.spatial_label or dataset.spatial_code}
    return {k: v for k, v in node.items() if v is not None}


def catalog(datasets: list[Dataset], *, base: str | None = None) -> dict[str, Any]:
    base = (base or settings.SITE_URL).rstrip("/")
    regency = home_kabupaten().name
    return {
        "@context": CONTEXT,
        "@id": base + reverse("opendata:catalog"),
        "@type": "dcat:Catalog",
        "dct:title": _lang(f"Portal Data Terbuka {regency}", f"Open data portal of {regency}"),
        "dct:description": _lang("Data terbuka menurut prinsip Satu Data Indonesia (Perpres 39/2019).",
                                 "Open data following the Satu Data Indonesia principles (Perpres 39/2019)."),
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": f"Dinas Komunikasi dan Informatika {regency}"},
        "foaf:homepage": {"@id": base + reverse("opendata:list")},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/IND"},
        "dcat:dataset": [dataset_node(d, base) for d in datasets],
    }
