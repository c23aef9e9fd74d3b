"""Every HTML form, fuzzed: no server error whatever a browser (or someone editing the page) sends.

The test finds the forms itself, so a new form is covered without editing it. For each persona a crawler
starts from that persona's pages (home, account, back office, village operator, assessment, infrastructure,
open data, the KTP-el application wizard, a case's tracking and back-office pages...) and follows same-origin
links breadth-first (at most `MAX_PAGES` pages, at most `PER_VIEW` pages of one view, so a list of a hundred
sites does not eat the budget). Every `<form method="post">` found is kept with its action and its fields
(input, select with its options, textarea, named submit buttons), parsed with html.parser.

Left out of the crawl: /admin/ (Django's admin forms are Django's, tested upstream; our admin actions have
their own tests), /api/ and /open311/ (fuzzed from the OpenAPI schema in tests/test_api_schema_fuzz.py),
/static/, downloads (PDF, CSV, XLSX, JSON, receipts, documents: no forms), and the /en/ prefix (the same views
as the Indonesian pages).

Then, for each form, hypothesis draws either every visible field, or one field while the others keep the values
the page filled in (so that the drawn one gets past the others' checks to the deeper ones; of a form found on
several pages, the most filled-in copy is kept). A drawn value is arbitrary text (empty, 10k characters, unicode,
control characters but NUL, SQL and HTML metacharacters), a number out of range or not a number, a malformed
date, one of a select's options or a value not among them, a checkbox on or off, and for a file input a small
real PDF or PNG, junk bytes with a lying name, or nothing. Hidden fields are posted as found (the CSRF token
included: the client enforces CSRF, and the page is fetched again when a token went stale), except that now and
then the page was edited and a hidden field other than the token is drawn too. Every answer must be below 500
(a 500 raises in the test client, with the view's traceback); all forms are fuzzed and the failures reported
together.

Skipped actions: log out (it ends the session, so every later form would only meet the login redirect).
Destructive actions (withdrawing the case, the officer's decisions, sending the application) are kept: they are
forms like the others, and after them their page answers with a refusal or a redirect, which is still checked.

Examples per form: SIMPUL_FORM_FUZZ_EXAMPLES (default 10, about a minute for the nine personas; raise it for a
longer hunt); `-s` prints each persona's pages, forms and the answers per action.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simpul.cases.tests.factories import PDF_BYTES, VALID_ANSWERS, ktp_service, pdf_upload, png_bytes
from simpul.conftest import login

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SIMPUL_FORM_FUZZ_EXAMPLES", "10"))
MAX_PAGES = 60
PER_VIEW = 2
SKIP_PREFIXES = ("/admin/", "/api/", "/open311/", "/static/", "/media/", "/en/", "/jsi18n/", "/sw.js", "/healthz")
SKIP_SUFFIXES = (".pdf", ".csv", ".xlsx", ".json", ".jsonld", ".xml", ".zip", ".ods", ".geojson", ".svg", ".png")
SKIP_VIEWS = {"accounts:logout"}  # ends the session: every later form would only meet the login redirect
SKIP_VIEWS_CRAWL = {"accounts:logout", "backoffice:case_document", "cases:track_document", "opendata:download",
                    "opendata:catalog", "backoffice:operator_receipt", "cases:track_receipt",
                    "assessment:report_pdf", "assessment:export"}

# What each persona's crawl must find at least (distinct form views, and the persona's own forms), so that a broken
# start page or crawler cannot make the test pass by fuzzing nothing. (Found on 2026-11-30: anonymous 11, citizen
# 15, business 13, operator 12, officer and head 15, admin 22, evaluator 20, steward 13.)
MIN_VIEWS = {
    "anonymous": (10, {"accounts:login", "accounts:register_citizen", "cases:apply_page", "cases:track"}),
    "citizen": (13, {"accounts:profile_edit", "cases:apply_review", "cases:track_withdraw", "cases:track_revise"}),
    "business": (12, {"accounts:profile_edit", "accounts:my_data"}),
    "operator": (11, {"cases:apply_documents", "cases:apply_review"}),
    "officer": (13, {"backoffice:case_action", "backoffice:case_assign", "backoffice:case_reveal_nik"}),
    "head": (13, {"backoffice:case_action", "backoffice:case_assign"}),
    "admin": (20, {"assessment:index", "assessment:round_detail", "infrastructure:import", "opendata:upload"}),
    "evaluator": (18, {"assessment:round_detail", "assessment:round_evidence", "assessment:round_findings"}),
    "steward": (12, {"opendata:upload", "opendata:draft_description", "opendata:draft_columns",
                     "opendata:draft_activity", "opendata:draft_file", "opendata:withdraw", "opendata:change"}),
}
PERSONAS = list(MIN_VIEWS)
KEPT_KWARGS = {"action", "page", "fmt"}  # URL parts that make another form (not another object's same form)


# -- crawling -------------------------------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    page: str
    action: str
    view: str
    fields: list[Field] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """The same form on another object (another draft, another page of a list) is the same form."""
        kwargs = resolve(self.action.split("?")[0]).kwargs
        kept = ",".join(f"{k}={v}" for k, v in sorted(kwargs.items()) if k in KEPT_KWARGS)
        return self.view, kept, tuple(sorted({f.name for f in self.fields} | {b[0] for b in self.buttons}))


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, list[Field], list[tuple[str, str]]]] = []
        self._form: tuple[str, list[Field], list[tuple[str, str]]] | None = None
        self._select: Field | None = None
        self._option: str | None = None
        self._option_text = ""
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = (a.get("action", ""), [], []) if a.get("method", "get").lower() == "post" else None
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                self._form[2].append((a["name"], a.get("value", "")))
            elif kind not in ("button", "reset"):
                default = "on" if kind in ("checkbox", "radio") else ""
                self._form[1].append(Field(a["name"], kind, a.get("value", default), checked="checked" in a))
        elif tag == "button" and a.get("name") and a.get("type", "submit").lower() == "submit":
            self._form[2].append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select")
            self._form[1].append(self._select)
        elif tag == "option" and self._select is not None:
            self._option, self._option_text = a.get("value"), ""
            if "value" in a:
                self._select.options.append(a["value"])
                if "selected" in a:
                    self._select.value = a["value"]
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea")
            self._form[1].append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        elif self._select is not None and self._option is None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._select is not None:
            if self._option is None and self._option_text.strip():
                self._select.options.append(self._option_text.strip())
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            if self._textarea.value.startswith("\n"):  # as browsers do: the newline after <textarea> is not content
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _same_origin_path(base: str, href: str) -> str | None:
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path
    if path.startswith(SKIP_PREFIXES) or path.lower().endswith(SKIP_SUFFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _parse(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser


def _forms_on(page: str, html: str) -> list[Form]:
    found = []
    for action, fields, buttons in _parse(html).forms:
        target = _same_origin_path(page, action) if action else page
        if target is None:
            continue
        view = _view_name(target.split("?")[0])
        if view is None or view in SKIP_VIEWS:
            continue
        found.append(Form(page=page, action=target, view=view, fields=fields, buttons=buttons))
    return found


def _filled(form: Form) -> int:
    return sum(1 for f in form.fields if f.kind != "hidden" and f.value and (f.checked or f.kind not in
                                                                             ("checkbox", "radio")))


def crawl(client: Client, start: list[str]) -> tuple[list[Form], list[str]]:
    """Breadth-first over the HTML pages reachable from `start`; the POST forms found, and the pages seen."""
    queue = deque(start)
    seen: set[str] = set()
    per_view: dict[str, int] = {}
    pages: list[str] = []
    forms: dict[tuple[str, str, tuple[str, ...]], Form] = {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        view = _view_name(url.split("?")[0])
        if view is None or view in SKIP_VIEWS_CRAWL or per_view.get(view, 0) >= PER_VIEW:
            continue
        per_view[view] = per_view.get(view, 0) + 1
        response = client.get(url, follow=True)
        assert response.status_code < 500, (url, response.status_code)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        final = response.request["PATH_INFO"] + (f"?{response.request['QUERY_STRING']}"
                                                 if response.request.get("QUERY_STRING") else "")
        pages.append(final)
        html = response.content.decode()
        for form in _forms_on(final, html):
            known = forms.get(form.key)
            if known is None or _filled(form) > _filled(known):  # the most filled-in copy: it passes most checks
                forms[form.key] = form
        for href in _parse(html).links:
            target = _same_origin_path(final, href)
            if target is not None and target not in seen:
                queue.append(target)
    return list(forms.values()), pages


# -- values ---------------------------------------------------------------------------------------------------------

NASTY = ["", " ", "'", "\"", "' OR '1'='1", "1; DROP TABLE cases_case; --", "<script>alert(1)</script>",
         "{{ 7*7 }}", "%s%s%s", "../../etc/passwd", "\u202etxt.exe", "😀" * 20, "ß\u0301\ufeff", "\t\r\n",
         "null", "None", "-1", "0", "1e309", "NaN", "9" * 40, "١٢٣", "0x1F", "\x01\x02\x1b[31m", "A" * 10_000,
         "16.06.01.2001", "1606014101900001", "2026-02-30", "0000-00-00", "31/12/2026"]

_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(_chars, max_size=60),
    st.builds(lambda s, n: (s or "x") * n, st.text(_chars, min_size=1, max_size=5), st.integers(1000, 10_000)),
)
NUMBER = st.one_of(st.integers(-(10**20), 10**20).map(str), st.floats(allow_nan=True).map(repr),
                   st.sampled_from(["", "1e309", "-0", "١", "1,5", "2147483648", "99999999999999999999"]))
DATE = st.one_of(st.dates().map(str), st.sampled_from(["2026-02-30", "0000-00-00", "99999-01-01", "2026-13-01",
                                                       "yesterday", "31/12/2026", ""]), TEXT)


def _files() -> st.SearchStrategy[SimpleUploadedFile | None]:
    return st.one_of(
        st.none(),
        st.just(("dokumen.pdf", PDF_BYTES, "application/pdf")),
        st.just(("foto.png", png_bytes(), "image/png")),
        st.tuples(st.sampled_from(["kk.pdf", "foto.png", "data.csv", "x.xlsx", "a.yaml", "noname", "../../x.pdf",
                                   "😀.jpg", "a" * 300 + ".pdf"]),
                  st.binary(max_size=2048), st.sampled_from(["application/pdf", "image/png", "text/csv",
                                                             "application/octet-stream"])),
    ).map(lambda spec: None if spec is None else SimpleUploadedFile(spec[0], spec[1], content_type=spec[2]))


def _value(draw: Any, f: Field, radio_values: list[str]) -> Any:
    kind = f.kind
    if f.value and kind not in ("checkbox", "radio", "file") and draw(st.integers(0, 2)) == 0:
        return f.value  # as the page filled it in: the other fields' errors are the ones reached
    if kind in ("number", "range"):
        return draw(st.one_of(NUMBER, TEXT))
    if kind in ("date", "datetime-local", "month", "time"):
        return draw(DATE)
    if kind == "select":
        return draw(st.one_of(st.sampled_from(f.options), TEXT) if f.options else TEXT)
    if kind == "radio":
        return draw(st.one_of(st.sampled_from(radio_values), TEXT))
    if kind == "checkbox":
        return f.value if draw(st.booleans()) else None
    if kind == "file":
        return draw(_files())
    return draw(TEXT)


def _as_found(data: dict[str, Any], f: Field) -> None:
    """The field as the page filled it in (a browser's submission without any change)."""
    if f.kind in ("checkbox", "radio"):
        if f.checked:
            data.setdefault(f.name, []).append(f.value)
    elif f.kind != "file":
        data.setdefault(f.name, []).append(f.value)


def _payload(draw: Any, form: Form) -> dict[str, Any]:
    """Either every visible field drawn, or the form as the page filled it in with one field drawn (so that the
    other fields pass and the drawn one reaches the deeper checks); now and then the page was edited, and the
    hidden fields (but the CSRF token) are drawn too."""
    tamper = draw(st.integers(0, 4)) == 0
    visible = [f for f in form.fields if f.kind != "hidden"]
    names = sorted({f.name for f in visible})
    only = draw(st.sampled_from(names)) if names and draw(st.booleans()) else None
    data: dict[str, Any] = {}
    radios: dict[str, list[str]] = {}
    for f in visible:
        if f.kind == "radio":
            radios.setdefault(f.name, []).append(f.value)
    drawn: set[str] = set()
    for f in form.fields:
        if f.kind == "hidden":
            if f.name == "csrfmiddlewaretoken" or not tamper:
                _as_found(data, f)
            else:
                data[f.name] = draw(TEXT)
        elif only is not None and f.name != only:
            _as_found(data, f)
        elif f.kind == "checkbox":
            value = _value(draw, f, [])
            if value is not None:
                data.setdefault(f.name, []).append(value)
        elif f.name not in drawn:
            drawn.add(f.name)
            value = _value(draw, f, radios.get(f.name, []))
            if value is not None:
                data[f.name] = value
    if form.buttons:
        name, value = draw(st.sampled_from(form.buttons))
        data[name] = value
    return {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in data.items()}


# -- fixtures -------------------------------------------------------------------------------------------------------


@pytest.fixture
def world(personas: Any) -> dict[str, Any]:
    """Two KTP-el cases of the citizen (one submitted, one sent back for a correction), the citizen's and the
    business's profiles, an open assessment round with a public link and an invitation, a site: pages with forms
    on them."""
    from simpul.accounts.tests.factories import BusinessProfileFactory, CitizenProfileFactory
    from simpul.assessment.services import invitation_create, round_set_public
    from simpul.assessment.tests.factories import open_round
    from simpul.cases.actions import case_request_revision, case_transition
    from simpul.cases.intake import case_submit
    from simpul.infrastructure.tests.factories import SiteFactory
    from simpul.opendata.tests.factories import publish_upload

    CitizenProfileFactory(user=personas.citizen)
    BusinessProfileFactory(user=personas.business)
    version = ktp_service(personas.dukcapil)
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       applicant=personas.citizen, idempotency_key=str(uuid.uuid4()))
    revising = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                           applicant=personas.citizen, idempotency_key=str(uuid.uuid4())).case
    case_transition(case=revising, action="verify", actor=personas.officer)
    case_request_revision(case=revising, actor=personas.officer, message="Foto KK buram, mohon unggah ulang.")
    rnd = round_set_public(round=open_round(actor=personas.admin), enabled=True, actor=personas.admin)
    token = invitation_create(round=rnd, count=1, actor=personas.admin)[0]
    site = SiteFactory()
    dataset = publish_upload(steward=personas.steward, reviewer=personas.admin, producer=personas.dinkominfo)
    return {"version": version, "case": case.case, "revising": revising, "round": rnd, "token": token, "site": site,
            "dataset": dataset}


def _draft_pages(world: dict[str, Any], user: Any) -> list[str]:
    """The pages of an application in progress, all answered, so its documents and review pages have forms."""
    from simpul.cases.drafts import draft_attach_documents, draft_create, draft_update_answers

    version = world["version"]
    draft = draft_create(version=version, owner=user)
    draft_update_answers(draft=draft, answers=dict(VALID_ANSWERS))
    draft_attach_documents(draft=draft, files={"kk": pdf_upload()})
    code, token = version.service.code, draft.token
    pages = [reverse("cases:apply_page", args=[code, token, p["key"]]) for p in version.form["pages"]]
    return [*pages, reverse("cases:apply_documents", args=[code, token]),
            reverse("cases:apply_review", args=[code, token])]


def _dataset_draft_pages(user: Any) -> list[str]:
    """A walidata's dataset draft with its file (its page links to the draft's other pages)."""
    from simpul.opendata.drafts import dataset_draft_start
    from simpul.opendata.permissions import may_manage

    if not may_manage(user):
        return []
    draft = dataset_draft_start(actor=user, upload_name="sd.csv", content=b"kode_kecamatan,jumlah_sd\n16.06.01,31\n")
    return [reverse("opendata:draft", args=[draft.token])]


def _start_pages(world: dict[str, Any], user: Any) -> list[str]:
    case, rnd = world["case"], world["round"]
    code = world["version"].service.code
    return [
        "/", "/akun/saya/", "/akun/saya/ubah/", "/akun/saya/data/", "/kantor/", "/kantor/desa/",
        "/kantor/desa/ganti/", "/asesmen/", "/infrastruktur/", "/infrastruktur/impor/", "/data/", "/data/unggah/",
        "/lacak/", "/lacak/saya/", "/akun/masuk/", "/akun/daftar/warga/", "/akun/daftar/usaha/",
        "/akun/sandi/lupa/", "/akun/verifikasi/pasang/", "/pengaduan/",
        reverse("cases:apply_start", args=[code]) + "?baru=1", *_draft_pages(world, user),
        reverse("cases:track_detail", args=[case.reference]),
        reverse("backoffice:case_detail", args=[case.reference]),
        reverse("cases:track_revise", args=[world["revising"].reference]),
        reverse("backoffice:case_detail", args=[world["revising"].reference]),
        reverse("assessment:round_detail", args=[rnd.pk]),
        reverse("assessment:self_assessment", args=[rnd.pk]),
        reverse("assessment:round_evidence", args=[rnd.pk]),
        reverse("assessment:round_findings", args=[rnd.pk]),
        reverse("assessment:round_triangulation", args=[rnd.pk]),
        reverse("assessment:round_results", args=[rnd.pk]),
        reverse("assessment:invited", args=[world["token"]]),
        reverse("assessment:public", args=[rnd.public_slug]),
        reverse("infrastructure:site_detail", args=[world["site"].pk]),
        "/data/kelola/", reverse("opendata:detail", args=[world["dataset"].slug]), *_dataset_draft_pages(user),
    ]


# -- the fuzzing ----------------------------------------------------------------------------------------------------


def _post(client: Client, form: Form, data: dict[str, Any]) -> Any:
    response = client.post(form.action, data)
    if response.status_code == 403 and b"CSRF" in response.content:
        page = client.get(form.page, follow=True)
        for fresh in _forms_on(form.page, page.content.decode()):
            if fresh.key == form.key:
                data = {**data, **{f.name: f.value for f in fresh.fields if f.kind == "hidden"
                                   and (f.name == "csrfmiddlewaretoken" or f.name not in data)}}
                form.fields = fresh.fields
        response = client.post(form.action, data)
    return response


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_form_answers_with_a_server_error(persona: str, personas: Any, world: dict[str, Any]) -> None:
    user = None if persona == "anonymous" else getattr(personas, persona)
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        login(client, user)
    started = time.monotonic()
    forms, pages = crawl(client, _start_pages(world, user))
    crawled = time.monotonic()
    views = sorted({f.view for f in forms})
    print(f"\n{persona}: {len(pages)} pages ({crawled - started:.1f} s), {len(forms)} forms, {len(views)} form "
          f"views: {', '.join(views)}")
    failures: list[str] = []
    statuses: dict[str, set[int]] = {}
    posts: list[str] = []

    def fuzzer(form: Form) -> Any:
        @settings(max_examples=EXAMPLES, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
        @given(data=st.data())
        def fuzz(data: Any) -> None:
            payload = _payload(data.draw, form)
            response = _post(client, form, payload)
            statuses.setdefault(form.action, set()).add(response.status_code)
            posts.append(form.view)
            shown = {k: (v[:80] + f"...({len(v)})" if isinstance(v, str) and len(v) > 80 else v)
                     for k, v in payload.items() if k != "csrfmiddlewaretoken"}
            assert response.status_code < 500, (form.action, response.status_code, shown)

        return fuzz

    for form in forms:
        try:
            fuzzer(form)()
        except Exception as exc:
            failures.append(f"{persona} {form.view} {form.action} (from {form.page}): {type(exc).__name__}: "
                            f"{str(exc)[:1500]}")
    print(f"  {len(posts)} posts in {time.monotonic() - crawled:.1f} s; answers per action:")
    for action, codes in sorted(statuses.items()):
        print(f"  {action}: {sorted(codes)}")
    assert not failures, "\n\n".join(failures)
    least, own = MIN_VIEWS[persona]
    assert len(views) >= least and own <= set(views), (persona, sorted(own - set(views)), views, pages)
