"""The back office's query strings, fuzzed: no staff page answers a server error whatever its link says.

The forms are fuzzed by test_form_fuzz.py; this test does the same for what a GET reads. For each staff persona
(officer, head, admin) the form fuzzer's crawler walks the persona's pages, and every page under the staff areas
(`STAFF_PREFIXES`: the back office, assessment, infrastructure and open-data pages) is kept with the query
parameters its view reads. Those are found three ways, so a new parameter is covered without editing the test:
the view's own source (`request.GET.get("x")`, `request.GET["x"]`, `getlist`), the names its page uses (GET forms'
fields and the query strings of its links), and `READS` for what a view reads indirectly (the worklist's
`FILTER_KEYS`, the forms bound to `request.GET`).

Then each parameter of each page gets, in turn, every value of `HOSTILE` (not a number, a 20-digit number,
negative, empty, 10k characters, markup, NUL...), and hypothesis draws combinations of all of them (text,
numbers, repeated parameters, unknown ones). Every answer must be below 500; the failures are reported together.

Examples per page: SIMPUL_QUERY_FUZZ_EXAMPLES (default 8); `-s` prints each persona's pages and parameters.
"""

from __future__ import annotations

import inspect
import os
import re
import time
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simpul.backoffice.views import FILTER_KEYS
from simpul.conftest import login
from tests.security.test_form_fuzz import NUMBER, TEXT, _parse, _same_origin_path, _start_pages, crawl
from tests.security.test_form_fuzz import world as world  # the same world of cases and rounds

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SIMPUL_QUERY_FUZZ_EXAMPLES", "8"))
STAFF_PREFIXES = ("/kantor/", "/asesmen/", "/infrastruktur/", "/data/")
HOSTILE = ["abc", "99999999999999999999", "-1", "0", "", " ", "1.5", "1e309", "A" * 10_000, "<b>x</b>", "'--",
           "\x01", "١٢٣", "2026-02-30", "../../etc/passwd", "😀"]
# What a view reads without naming it in its own body (a loop over keys).
READS = {"backoffice:worklist": set(FILTER_KEYS) | {"page"}}
# What each persona's crawl must reach at least, so a broken start page cannot make the test pass on nothing.
MUST_SEE = {
    "officer": {"backoffice:worklist", "backoffice:dashboard", "backoffice:case_detail"},
    "head": {"backoffice:worklist", "backoffice:dashboard", "backoffice:case_detail"},
    "admin": {"assessment:index", "assessment:round_detail", "infrastructure:dashboard", "opendata:list"},
}
_READ = re.compile(r"""(?:GET|query_params)(?:\.get|\.getlist)?\s*[(\[]\s*["'](\w+)["']""")
_GET_FORM = re.compile(r"(\w+)\(\s*request\.GET")


class _GetForms(HTMLParser):
    """Names of the fields of the page's GET forms."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: set[str] = set()
        self._in_get = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._in_get = a.get("method", "get").lower() == "get"
        elif self._in_get and tag in ("input", "select", "textarea") and a.get("name"):
            self.names.add(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_get = False


def _source_reads(view: Any) -> set[str]:
    """The parameters a view names in its body, and the fields of the forms it binds to request.GET."""
    func = inspect.unwrap(view)
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return set()
    names = set(_READ.findall(source))
    for form_name in _GET_FORM.findall(source):
        form_class = func.__globals__.get(form_name)
        names |= set(getattr(form_class, "base_fields", {}))
    return names


def _page_reads(client: Client, page: str) -> set[str] | None:
    """The parameters the page's GET forms and links use; None when this persona may not see the page."""
    response = client.get(page)
    if response.status_code != 200:
        return None
    if "text/html" not in response.get("Content-Type", ""):
        return set()
    html = response.content.decode()
    forms = _GetForms()
    forms.feed(html)
    names = set(forms.names)
    path = page.split("?")[0]
    for href in _parse(html).links:
        target = _same_origin_path(page, href)
        if target and target.split("?")[0] == path:
            names |= {k for k, _v in parse_qsl(urlsplit(target).query, keep_blank_values=True)}
    return names - {"csrfmiddlewaretoken"}


def staff_pages(client: Client, start: list[str]) -> dict[str, tuple[str, set[str]]]:
    """view name -> (one page of that view, the query parameters the view reads)."""
    _forms, pages = crawl(client, start)
    found: dict[str, tuple[str, set[str]]] = {}
    for page in pages:
        path = page.split("?")[0]
        if not path.startswith(STAFF_PREFIXES):
            continue
        match = resolve(path)
        if match.view_name in found:
            continue
        on_page = _page_reads(client, path)
        if on_page is None:
            continue
        found[match.view_name] = (path, _source_reads(match.func) | on_page | READS.get(match.view_name, set()))
    return found


def _value() -> st.SearchStrategy[Any]:
    one = st.one_of(st.sampled_from(HOSTILE), TEXT, NUMBER)
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))  # a repeated parameter: ?a=1&a=2


def fuzzer(page: str, names: set[str], get: Any) -> Any:
    @settings(max_examples=EXAMPLES, database=None, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(query=st.dictionaries(st.sampled_from([*sorted(names), "x_unknown"]), _value(), max_size=len(names)))
    def fuzz(query: dict[str, Any]) -> None:
        get(page, query)

    return fuzz


@pytest.mark.parametrize("persona", sorted(MUST_SEE))
def test_no_staff_page_answers_a_server_error_whatever_its_query_string(persona: str, personas: Any,
                                                                        world: dict[str, Any]) -> None:
    user = getattr(personas, persona)
    client = Client(raise_request_exception=False)
    login(client, user)
    started = time.monotonic()
    pages = staff_pages(client, _start_pages(world, user))
    print(f"\n{persona}: {len(pages)} staff views ({time.monotonic() - started:.1f} s)")
    for view, (page, names) in sorted(pages.items()):
        print(f"  {view} {page} {sorted(names)}")
    assert MUST_SEE[persona] <= set(pages), sorted(MUST_SEE[persona] - set(pages))
    failures: list[str] = []
    requests = 0

    def get(page: str, query: dict[str, Any]) -> None:
        nonlocal requests
        requests += 1
        response = client.get(page + "?" + urlencode(query, doseq=True))
        if response.status_code >= 500:
            shown = {k: (v[:40] + f"...({len(v)})" if isinstance(v, str) and len(v) > 40 else v)
                     for k, v in query.items()}
            failures.append(f"{persona} GET {page} {shown}: {response.status_code}")

    for _view, (page, names) in sorted(pages.items()):
        for name in sorted(names):
            for value in HOSTILE:
                get(page, {name: value})
        if not names:
            continue

        fuzzer(page, names, get)()
    print(f"  {requests} requests in {time.monotonic() - started:.1f} s")
    assert not failures, "\n".join(failures[:50]) + (f"\n... and {len(failures) - 50} more" if len(failures) > 50
                                                      else "")
