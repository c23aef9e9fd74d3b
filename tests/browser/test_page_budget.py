"""The page budget and accessibility bars of PERFORMANCE.md, enforced over every public and village-operator page.

Each page is opened in headless Chromium with the browser cache disabled (every load is a first visit) and every
request is recorded. A page fails when, on that first visit:
- all its responses together exceed 50 KB (compressed),
- it makes more than 5 requests or talks to more than one origin,
- its JavaScript exceeds 20 KB (compressed),
- it is the first page of a form and its HTML exceeds 14 KB (compressed),
- axe-core (WCAG 2.x A/AA rules) finds any violation.

How bytes are counted: the compressed size of each response body, as sent over the wire. HTML goes through
Django's GZipMiddleware, so its body size is the gzip-encoded size the browser received. pytest-django's live
server serves static files through Django's static handler, which does not compress (in production WhiteNoise
serves the pre-compressed .gz/.br files), so for an uncompressed response the test counts `gzip -6` of its
body: what the production server sends. Response headers are not counted (they are a few hundred bytes each).

The main journeys are also walked with JavaScript disabled: applying for a service up to the confirmation with
reference number and PIN, then tracking it with reference + PIN in a fresh browser.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

from simpul.catalog.models import Service
from tests.browser.conftest import WCAG_TAGS

pytestmark = pytest.mark.django_db(transaction=True)

KB = 1024
TOTAL_BAR = 50 * KB
FORM_HTML_BAR = 14 * KB
REQUEST_BAR = 5
JS_BAR = 20 * KB
SERVICE = "ktp-el-penggantian"


# -- data -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def demo(settings: Any) -> None:
    """Reference and demo data as `make run` loads them (DEMO_MODE on); apps whose tables are not migrated yet
    (work in progress elsewhere) are skipped rather than failing the whole budget."""
    from django.db import DatabaseError

    from simpul.core.loaders import loaders

    settings.DEMO_MODE = True
    for kind in ("reference", "demo"):
        for _app, load in loaders(kind):
            try:
                load(stdout=io.StringIO())
            except DatabaseError:
                continue


# -- measuring ------------------------------------------------------------------------------------------------------


@dataclass
class Visit:
    url: str
    responses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(r["bytes"] for r in self.responses)

    @property
    def js(self) -> int:
        return sum(r["bytes"] for r in self.responses if r["type"] == "script")

    @property
    def html(self) -> int:
        return sum(r["bytes"] for r in self.responses if r["type"] == "document")

    @property
    def origins(self) -> set[str]:
        return {urlsplit(r["url"]).netloc for r in self.responses if r["url"].startswith("http")}

    def problems(self, *, form_first_page: bool = False) -> list[str]:
        found = []
        if self.total > TOTAL_BAR:
            found.append(f"{self.total} B transferred > {TOTAL_BAR} B")
        if len(self.responses) > REQUEST_BAR:
            found.append(f"{len(self.responses)} requests > {REQUEST_BAR}: {[r['url'] for r in self.responses]}")
        if len(self.origins) > 1:
            found.append(f"{len(self.origins)} origins: {sorted(self.origins)}")
        if self.js > JS_BAR:
            found.append(f"{self.js} B of JavaScript > {JS_BAR} B")
        if form_first_page and self.html > FORM_HTML_BAR:
            found.append(f"first form page HTML {self.html} B > {FORM_HTML_BAR} B")
        bad = [f"{r['status']} {r['url']}" for r in self.responses if r["status"] >= 400]
        if bad:
            found.append(f"failed requests: {bad}")
        return found


def _wire_bytes(response: Any) -> int:
    try:
        body = response.body()
    except Exception:  # redirects and aborted requests have no body
        return 0
    if response.headers.get("content-encoding"):
        try:
            encoded = int(response.request.sizes()["responseBodySize"])
        except Exception:
            encoded = 0
        if encoded > 0:
            return encoded
    return len(gzip.compress(body, compresslevel=6)) if body else 0


class Recorder:
    """Records the requests of one page; `visit(url)` loads a URL as a first visit and returns what it cost."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.current: Visit | None = None
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.on("response", self._on_response)

    def _on_response(self, response: Any) -> None:
        if self.current is None or response.url.startswith("data:"):
            return
        if 300 <= response.status < 400:
            return  # the redirect itself is followed by the page that counts
        self.current.responses.append({
            "url": response.url, "type": response.request.resource_type, "status": response.status,
            "bytes": _wire_bytes(response),
        })

    def start(self) -> Visit:
        self.current = Visit(url="")
        return self.current

    def visit(self, url: str) -> Visit:
        visit = self.start()
        visit.url = url
        self.page.goto(url, wait_until="load")
        return visit

    def finish(self, visit: Visit) -> Visit:
        self.page.wait_for_load_state("load")
        visit.url = self.page.url
        self.current = None
        return visit


def _axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    return [
        f"axe {v['id']} ({v['impact']}): {v['help']} at {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in results.response["violations"]
    ]


class Audit:
    """Collects every page's problems so that one run reports all of them, then fails once."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.recorder = Recorder(page)
        self.report: list[str] = []
        self.checked: list[tuple[str, int, int, int]] = []

    def check(self, visit: Visit, *, form_first_page: bool = False, label: str = "") -> None:
        problems = visit.problems(form_first_page=form_first_page) + _axe(self.page)
        self.checked.append((label or visit.url, visit.total, visit.html, len(visit.responses)))
        if problems:
            self.report.append(f"{label or visit.url} ({self.page.url}):\n  " + "\n  ".join(problems))

    def open(self, url: str, **kwargs: Any) -> Visit:
        visit = self.recorder.visit(url)
        self.check(visit, **kwargs)
        return visit

    def click(self, locator: Any, **kwargs: Any) -> Visit:
        visit = self.recorder.start()
        locator.click()
        visit = self.recorder.finish(visit)
        self.check(visit, **kwargs)
        return visit

    def fail_if_any(self) -> None:
        table = "\n".join(f"  {t:>6} B total {h:>6} B html {n} req  {u}" for u, t, h, n in self.checked)
        print(f"\nPage budget, first visits (compressed):\n{table}")
        if self.report:
            pytest.fail(f"{len(self.report)} page(s) over budget or inaccessible:\n" + "\n".join(self.report),
                        pytrace=False)


def _fill_ktp_applicant(page: Any) -> None:
    page.get_by_label("NIK pemohon").fill("1606014101900001")
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("Nomor Kartu Keluarga").fill("1606011503200001")
    page.get_by_label("Desa/kelurahan tempat tinggal").select_option("16.06.01.2001")
    page.get_by_label("Alamat (jalan, RT/RW, dusun)").fill("Jl. Merdeka RT 02 RW 01")
    page.get_by_label("Nomor HP/WhatsApp").fill("081234567890")


def _scan(tmp_path: Any) -> str:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 200, 200)).save(out, format="JPEG")
    path = tmp_path / "kk.jpg"
    path.write_bytes(out.getvalue())
    return str(path)


def _public_pages() -> list[str]:
    from django.urls import NoReverseMatch, reverse

    from simpul.assessment.models import Round, RoundStatus

    pages = ["/", "/en/", reverse("catalog:list"), reverse("catalog:list") + "?q=kartu+keluarga+hilang",
             reverse("catalog:list") + "?q=kapal+selam",  # nothing found: the catalogue by kind is offered
             reverse("catalog:detail", kwargs={"code": SERVICE}),
             reverse("cases:track"), reverse("accounts:login"), reverse("accounts:register"),
             reverse("accounts:register_citizen"), reverse("accounts:password_reset")]
    for name in ("infrastructure:dashboard", "opendata:list"):
        try:
            pages.append(reverse(name))
        except NoReverseMatch:
            continue
    from simpul.opendata.models import Dataset

    # the open-data page with the widest table (the longest metadata and preview)
    widest = max(Dataset.objects.filter(is_published=True), key=lambda d: len(d.columns), default=None)
    if widest is not None:
        pages.append(reverse("opendata:detail", kwargs={"slug": widest.slug}))
    from django.urls import Resolver404, resolve

    for path in ("/pengaduan/",):  # portal sections that exist only once their app serves them
        try:
            resolve(path)
        except Resolver404:
            continue
        pages.append(path)
    complaint = Service.objects.filter(code__startswith="pengaduan-", is_active=True).order_by("code").first()
    if complaint is not None:
        pages.append(reverse("catalog:detail", kwargs={"code": complaint.code}))
    public_round = (Round.objects.filter(public_enabled=True, status=RoundStatus.OPEN)
                    .exclude(public_slug=None).exclude(public_slug="").order_by("pk").first())
    if public_round is None:  # the demo has no open public round: open the public link of an open round
        public_round = Round.objects.filter(status=RoundStatus.OPEN).exclude(public_slug=None).order_by("pk").first()
        if public_round is not None:
            Round.objects.filter(pk=public_round.pk).update(public_enabled=True)
    if public_round is not None:
        pages.append(reverse("assessment:public", kwargs={"slug": public_round.public_slug}))
    return pages


def _operator_context(browser: Any, site: str) -> Any:
    from django.conf import settings
    from django.test import Client

    from simpul.accounts.models import Role, User
    from simpul.conftest import login

    operator = User.objects.filter(role=Role.VILLAGE_OPERATOR).order_by("pk").first()
    client = Client()
    login(client, operator)
    context = browser.new_context(java_script_enabled=True, locale="id-ID", service_workers="block")
    context.set_default_timeout(20_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": site}])
    return context


def _operator_pages() -> list[str]:
    from django.urls import NoReverseMatch, reverse

    pages = []
    for name in ("backoffice:operator_today", "backoffice:operator_apply", "backoffice:operator_switch"):
        try:
            pages.append(reverse(name))
        except NoReverseMatch:
            continue
    return pages


# -- tests ----------------------------------------------------------------------------------------------------------


def test_every_public_page_and_form_step_is_within_budget_and_accessible(
    browser: Any, live_server: Any, demo: None, tmp_path: Any
) -> None:
    site = str(live_server.url)
    # service workers blocked: every page must come from the network, as on a first visit
    context = browser.new_context(java_script_enabled=True, locale="id-ID", service_workers="block")
    context.set_default_timeout(20_000)
    page = context.new_page()
    audit = Audit(page)
    for path in _public_pages():
        audit.open(site + path)

    complaint = Service.objects.filter(code__startswith="pengaduan-", is_active=True).order_by("code").first()
    if complaint is not None:
        audit.open(f"{site}/layanan/{complaint.code}/ajukan/", form_first_page=True, label="complaint form: first page")

    # every step of an application form, each as a first visit
    audit.open(f"{site}/layanan/{SERVICE}/ajukan/", form_first_page=True, label="form: first page")
    _fill_ktp_applicant(page)
    audit.click(page.get_by_role("button", name="Lanjut", exact=True), label="form: second page")
    page.get_by_label("KTP-el rusak").check()
    audit.click(page.get_by_role("button", name="Lanjut", exact=True), label="form: documents")
    page.locator("#doc_kk").set_input_files(_scan(tmp_path))
    audit.click(page.get_by_role("button", name="Lanjut", exact=True), label="form: check and send")
    audit.click(page.get_by_role("button", name="Kirim permohonan"), label="form: confirmation")
    reference = page.locator(".big").first.inner_text().strip()
    assert reference.startswith("MUBA-")
    context.close()

    # the village operator's pages and its form (consent on the check page)
    operator_context = _operator_context(browser, site)
    operator_page = operator_context.new_page()
    operator_audit = Audit(operator_page)
    for path in _operator_pages():
        operator_audit.open(site + path)
    operator_audit.open(f"{site}/layanan/{SERVICE}/ajukan/?baru=1", form_first_page=True,
                        label="operator form: first page")
    operator_context.close()

    audit.report += operator_audit.report
    audit.checked += operator_audit.checked
    audit.fail_if_any()


def test_apply_and_track_work_with_javascript_off(browser: Any, live_server: Any, demo: None, tmp_path: Any) -> None:
    site = str(live_server.url)
    context = browser.new_context(java_script_enabled=False, locale="id-ID")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{site}/layanan/")
    page.locator(f"a[href$='/layanan/{SERVICE}/']").first.click()
    page.goto(f"{site}/layanan/{SERVICE}/ajukan/")
    _fill_ktp_applicant(page)
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.get_by_label("KTP-el rusak").check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.locator("#doc_kk").set_input_files(_scan(tmp_path))
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.get_by_role("button", name="Kirim permohonan").click()
    reference, pin = (el.inner_text().strip() for el in page.locator(".big").all())
    assert reference.startswith("MUBA-") and len(pin) == 6
    context.close()

    tracker_context = browser.new_context(java_script_enabled=False, locale="id-ID")
    tracker = tracker_context.new_page()
    tracker.goto(f"{site}/lacak/")
    tracker.get_by_label("Nomor permohonan").fill(reference)
    tracker.get_by_label("PIN").fill(pin)
    tracker.get_by_role("button", name="Tampilkan status").click()
    assert reference in tracker.locator("main").inner_text()
    tracker_context.close()


def test_collected_static_files_are_hashed_compressed_and_cached_for_a_year(tmp_path: Any, settings: Any) -> None:
    """Production mode: WhiteNoise's manifest storage gives each static file a content hash in its name and serves
    it with a far-future Cache-Control, pre-compressed."""
    from django.core.management import call_command
    from django.test import RequestFactory, override_settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    production_storages = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    # only Simpul's own static files (the admin's and the API docs' would make collectstatic take minutes)
    finders = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    with override_settings(STORAGES=production_storages, STATIC_ROOT=str(tmp_path / "static"), DEBUG=False,
                           STATICFILES_FINDERS=finders):
        from django.contrib.staticfiles.storage import staticfiles_storage

        staticfiles_storage._setup()
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.templatetags.static import static

        url = static("simpul/simpul.css")
        assert url != "/static/simpul/simpul.css" and url.startswith("/static/simpul/simpul.")
        assert (tmp_path / "static" / url.removeprefix("/static/")).exists()
        assert (tmp_path / "static" / (url.removeprefix("/static/") + ".gz")).exists()

        # WhiteNoise indexes STATIC_ROOT when the middleware is built (at start-up in production)
        middleware = WhiteNoiseMiddleware(get_response=lambda request: None)
        response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))
        assert response is not None and response.status_code == 200
        cache = response.headers["Cache-Control"]
        max_age = int(next(p.split("=")[1] for p in cache.split(",") if p.strip().startswith("max-age")))
        assert max_age >= 365 * 24 * 3600
        assert response.headers.get("Content-Encoding") == "gzip"
    staticfiles_storage._setup()


def test_html_responses_are_compressed(client: Any, db: None) -> None:
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.headers.get("Content-Encoding") == "gzip"
