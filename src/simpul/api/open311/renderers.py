"""Render Open311 payloads as JSON or XML, and errors in the spec's format.

XML is built with `xml.etree.ElementTree` (text is escaped by the library; nothing is parsed from clients).
Shapes follow the GeoReport v2 examples: a list becomes repeated child elements (`<services><service>...`),
`None` an empty element, booleans `true`/`false`.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
FORMATS = ("json", "xml")

# Element name of one item of a list, by the list's element name.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        child_name = ITEM_NAMES.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, child_name), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """`value` (dict or list) under the element `root`, with the XML declaration."""
    element = ET.Element(root)
    _fill(element, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def render(data: Any, *, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """JSON as is; XML under the element `root` (lists as repeated items named after `root`)."""
    if fmt == "xml":
        return HttpResponse(to_xml(root, data), content_type=XML_TYPE, status=status)
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type=JSON_TYPE, status=status)


def render_error(*, fmt: str, status: int, description: str) -> HttpResponse:
    """The spec's error format: `[{"code": 400, "description": "..."}]` or `<errors><error>...`."""
    return render([{"code": status, "description": str(description)}], fmt=fmt, root="errors", status=status)


class Open311Error(Exception):
    """Raised by the views' helpers; rendered with `render_error` in the request's format."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = str(description)
