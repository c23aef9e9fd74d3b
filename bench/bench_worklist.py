"""Staff worklist and case search at scale: 1,000,000 cases in PostgreSQL, p95 and median per request.

    .venv/bin/python bench/bench_worklist.py [--cases 1000000] [--baseline-cases 1000] [--requests 200] [--reuse]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb .venv/bin/python bench/bench_worklist.py --cases 50000

Bar (../shared/PERFORMANCE.md): "Staff worklist and case search with 1,000,000 cases: p95 < 100 ms", PostgreSQL on
the same machine. Needs PostgreSQL: DATABASE_URL when it points at PostgreSQL, else
postgres://postgres@127.0.0.1:5432/simpul_bench_worklist. The benchmark creates (and, without --reuse, drops and
re-creates) that database and a second one with the suffix `_small`; it prints one "skipped" line when no
PostgreSQL answers. Never point it at a database holding real data.

What it does (bounded, loopback only, stops by itself):
1. For each of the two databases (the large one with --cases, the baseline one with --baseline-cases): `simpul
   migrate`, `reference`, `demo` (SIMPUL_DEMO_MODE=true), then the cases are generated server-side with one
   `INSERT ... SELECT generate_series` (secondary indexes dropped during the load and rebuilt after it, foreign
   key triggers off for the load only): the demo's 13 services and their agencies (Dukcapil gets most),
   the 242 desa and their kecamatan, submission dates over three years (more recent than old), statuses by age
   and workflow (most old cases closed, recent ones spread over the open statuses), due dates from each
   service's SLA, paused cases, assignment to the demo officers, channels (web, village operator, API),
   applicant names, keyed NIK hash, encrypted NIK and answers, a history (submission event and the last
   transition) and dispositions, some of them pending to Dukcapil. 2,000 sampled cases get the real keyed
   hash (`simpul.core.pdp.nik_hash`) of a NIK they share in threes, so a NIK look-up finds real rows. Then
   VACUUM ANALYZE. With --reuse, a database that already holds the requested number of generated cases is kept
   (and migrated). Generating a million cases takes about 1.5 minutes on 2 cores.
2. A child process (Django set up on that database) logs in the demo Dukcapil officer (petugas.dukcapil, TOTP
   marked verified as the tests do) and the DPMPTSP officer (a small OPD), and measures, --requests times each
   (at most --max-seconds per target, at least 20): the real selector
   (`simpul.cases.selectors.case_list_for_officer`, paginated as the view does: `WorklistPaginator`, 50 a page,
   the capped count of the caption) and the real page `/kantor/` through the Django test client, for the
   worklist's first page, a deep page (`?page=` past the last listed one: the last listed page), status filters,
   overdue, "assigned to me", the small OPD's worklist, search by reference (exact and
   fragment), status + service + kecamatan, status + service + due within 7 days, and a NIK look-up (keyed
   hash, selector only: the worklist has no NIK field). Baselines in the same run: a `SELECT 1` round trip
   through the ORM and the same targets against the small database.

Prints one line per target: p95 and median of the selector and of the page, and the page's p95 against the
small database with the ratio. No assertions; absolute figures are indicative on a shared machine.
"""

# ruff: noqa: S608 - the generating SQL is built from this script's own constants and integers, never from input

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/simpul_bench_worklist"
SCOPE = "bench-worklist"  # idempotency_scope of the generated cases: how --reuse recognises them
OFFICER = "petugas.dukcapil@simpul.test"  # Dukcapil: most of the cases, and pending dispositions to it
SMALL_AGENCY_OFFICER = "petugas.dpmptsp@simpul.test"  # DPMPTSP: a few percent of the cases
SAMPLE = 2000

# Share of the cases per demo service (Dukcapil's civil registration takes most of a regency's traffic).
WEIGHTS = {
    "akta-kelahiran": 15, "akta-kematian": 5, "izin-reklame": 3, "kk-perubahan": 15, "ktp-el-baru": 14,
    "ktp-el-penggantian": 14, "pengaduan-infrastruktur": 5, "pengaduan-kependudukan": 4, "pengaduan-lainnya": 3,
    "pengaduan-layanan-internet": 2, "pengaduan-perizinan": 2, "permintaan-informasi-publik": 3,
    "surat-pindah": 15,
}
FIRST = ["Siti", "Ahmad", "Nur", "Muhammad", "Dewi", "Budi", "Sri", "Agus", "Rina", "Joko", "Putri", "Hendra",
         "Wati", "Rudi", "Yanti", "Andi", "Lestari", "Eko", "Fitri", "Bambang", "Ayu", "Dedi", "Indah", "Slamet",
         "Ratna", "Heru", "Sari", "Iwan", "Maya", "Taufik", "Lina", "Rahmat", "Yuni", "Darmawan", "Novi", "Suparman"]
LAST = ["Aminah", "Saputra", "Hidayat", "Wijaya", "Lestari", "Santoso", "Rahmawati", "Kurniawan", "Pratama",
        "Susanti", "Setiawan", "Handayani", "Gunawan", "Purnama", "Syahputra", "Maharani", "Nugroho", "Anggraini",
        "Firmansyah", "Yuliani", "Hasibuan", "Siregar", "Harahap", "Nasution", "Daulay", "Ramadhan", "Kusuma"]
OPEN = {"application": ["diajukan", "diajukan", "verifikasi", "verifikasi", "perlu_perbaikan", "diproses", "diproses"],
        "complaint": ["diterima", "diterima", "terverifikasi", "ditindaklanjuti", "ditindaklanjuti", "ditunda"],
        "information_request": ["diajukan", "verifikasi", "diproses", "diproses", "diperpanjang"]}
CLOSED = {"application": ["selesai"] * 17 + ["ditolak"] * 2 + ["dibatalkan"],
          "complaint": ["selesai"] * 16 + ["dialihkan"] * 3 + ["dibatalkan"],
          "information_request": ["selesai"] * 16 + ["ditolak"] * 3 + ["dibatalkan"]}


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _admin_connect(url: str):  # a psycopg connection
    import psycopg

    return psycopg.connect(_with_db(url, "postgres"), autocommit=True, connect_timeout=5)


# -- preparing a database -------------------------------------------------------------------------------------------


def _generated_count(url: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute("SELECT count(*) FROM cases_case WHERE idempotency_scope = %s", [SCOPE]).fetchone()
            marker = conn.execute("SELECT to_regclass('bench_worklist_done')").fetchone()
            return int(row[0]) if marker and marker[0] else None
    except psycopg.Error:
        return None


def prepare(url: str, cases: int, *, reuse: bool, env: dict[str, str]) -> tuple[str, float]:
    """A migrated demo database holding `cases` generated cases; returns (what was done, seconds)."""
    start = time.perf_counter()
    name = _db_name(url)
    if reuse and _generated_count(url) == cases:  # the schema may have moved on since: migrate it
        subprocess.run([str(BIN / "simpul"), "migrate", "--noinput", "-v", "0"], env={**env, "DATABASE_URL": url},
                       check=True, stdout=subprocess.DEVNULL)
        return "reused", time.perf_counter() - start
    with _admin_connect(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    run_env = {**env, "DATABASE_URL": url}
    simpul = [str(BIN / "simpul")]
    for cmd in (["migrate", "--noinput", "-v", "0"], ["reference"], ["demo"]):
        subprocess.run(simpul + cmd, env=run_env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-u", __file__, "--child", "generate", "--cases", str(cases)], env=run_env,
                   check=True)
    return "generated", time.perf_counter() - start


def generate(cases: int) -> None:
    """Runs in a child with Django set up on the target database (DATABASE_URL)."""
    import django

    django.setup()
    from django.db import connection, transaction

    from simpul.accounts.models import User
    from simpul.agencies.models import Agency
    from simpul.catalog.models import Service
    from simpul.core.pdp import encrypt_text, nik_hash

    services = []
    total = sum(WEIGHTS.values())
    low = 0.0
    for service in Service.objects.select_related("current_version").order_by("code"):
        version = service.current_version
        if version is None or service.code not in WEIGHTS:
            continue
        high = low + WEIGHTS[service.code] / total
        services.append((version.pk, service.code, version.kind, version.workflow, version.agency_id,
                         max(1, version.sla_working_days), low, high))
        low = high
    services[-1] = (*services[-1][:-1], 1.0001)
    users = {u.email: u.pk for u in User.objects.filter(email__endswith="@simpul.test")}
    citizen, operator = users["warga@simpul.test"], users["operator.sekayu@simpul.test"]
    officer, head, dpmptsp = (users[OFFICER], users["kepala.dukcapil@simpul.test"],
                              users["petugas.dpmptsp@simpul.test"])
    dukcapil = Agency.objects.get(code="disdukcapil").pk
    ciphertext = encrypt_text("1606014101900001")
    ages = "floor(power(g.r_age, 1.6) * 1095)"  # days since submission: skewed to recent (growing use)
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")  # FK triggers off: rows are built consistent
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cur.execute("SET LOCAL work_mem = '128MB'")
        cur.execute("SELECT setseed(0.2026)")
        cur.execute("CREATE TEMP TABLE bw_svc (version_id bigint, code text, kind text, workflow text, "
                    "agency_id bigint, sla int, lo float8, hi float8) ON COMMIT DROP")
        cur.executemany("INSERT INTO bw_svc VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", services)
        cur.execute("CREATE TEMP TABLE bw_desa ON COMMIT DROP AS SELECT (row_number() OVER (ORDER BY code)) - 1 "
                    "AS n, code FROM regions_region WHERE level = 'desa_kelurahan'")
        cur.execute("SELECT count(*) FROM bw_desa")
        desa_count = cur.fetchone()[0]
        # Secondary indexes of cases_case and cases_caseevent (not those behind constraints): dropped for the
        # load, rebuilt after it (one sort each instead of a million random inserts).
        cur.execute("""SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('cases_case', 'cases_caseevent')
                       AND indexname NOT IN (SELECT conname FROM pg_constraint)""")
        indexes = cur.fetchall()
        for index_name, _definition in indexes:
            cur.execute(f'DROP INDEX "{index_name}"')
        open_status = " ".join(f"WHEN '{w}' THEN ({_sql_array(v)})[1 + floor(g.r_status * {len(v)})::int]"
                               for w, v in OPEN.items())
        closed_status = " ".join(f"WHEN '{w}' THEN ({_sql_array(v)})[1 + floor(g.r_status * {len(v)})::int]"
                                 for w, v in CLOSED.items())
        cur.execute(f"""
            CREATE TEMP TABLE bw_rows ON COMMIT DROP AS
            SELECT g.i, s.*, d.code AS desa, left(d.code, 8) AS kecamatan, g.r_name1, g.r_name2, g.r_assign,
                   g.r_channel, g.r_close, g.seconds,
                   now() - make_interval(days => {ages}::int, secs => g.seconds) AS submitted_at,
                   CASE WHEN g.r_open < (CASE WHEN {ages} < 30 THEN 0.75 WHEN {ages} < 90 THEN 0.12 ELSE 0.008 END)
                        THEN CASE s.workflow {open_status} END
                        ELSE CASE s.workflow {closed_status} END END AS status
            FROM (SELECT i, random() AS r_service, random() AS r_age, random() AS r_open, random() AS r_status,
                         random() AS r_name1, random() AS r_name2, random() AS r_assign, random() AS r_channel,
                         random() AS r_close, floor(random() * 86400)::int AS seconds,
                         floor(random() * {desa_count})::int AS desa_n
                  FROM generate_series(1, {int(cases)}) AS i) g
            JOIN bw_svc s ON g.r_service >= s.lo AND g.r_service < s.hi
            JOIN bw_desa d ON d.n = g.desa_n""")
        closed = _sql_array(["selesai", "ditolak", "dibatalkan", "dialihkan"])
        alphabet = "23456789ABCDEFGHJKMNPQRSTVWXY"
        # Reference MUBA-YY-BBBBB-C: a bijection of i onto the 29^5 bodies of the year, with the real check
        # character (simpul.cases.reference_numbers): weights 8..2 over the year digits and the body.
        body = "((r.i::bigint * 7919 + 104729) % 20511149)"
        digit = [f"(({body} / {29 ** (4 - k)}) % 29)::int" for k in range(5)]
        year = "(extract(year FROM r.submitted_at)::int % 100)"
        checksum = (f"(8 * ({year} / 10) + 7 * ({year} % 10) + " +
                    " + ".join(f"{6 - k} * {digit[k]}" for k in range(5)) + ")")
        reference = ("'MUBA-' || lpad({y}::text, 2, '0') || '-' || {body} || '-' || substr('{a}', "
                     "1 + ((29000 - {c}) % 29), 1)").format(
            y=year, a=alphabet, c=checksum,
            body=" || ".join(f"substr('{alphabet}', 1 + {d}, 1)" for d in digit))
        name = (f"({_sql_array(FIRST)})[1 + floor(r.r_name1 * {len(FIRST)})::int] || ' ' || "
                f"({_sql_array(LAST)})[1 + floor(r.r_name2 * {len(LAST)})::int]")
        closing = "r.submitted_at + make_interval(secs => (r.r_close * r.sla * 1.6 * 86400)::int)"
        cur.execute(f"""
            INSERT INTO cases_case (reference, pin_hash, service_version_id, service_code, kind, workflow, agency_id,
                applicant_id, submitted_by_id, channel, applicant_name, nik_encrypted, nik_hash, phone, email, desa_id,
                kecamatan_code, business_nib, form_data, consent, status, submitted_at, due_date, sla_paused_days,
                paused_since, extended, closed_at, assigned_to_id, revision_round, anonymised_at, idempotency_scope,
                idempotency_key, updated_at)
            SELECT {reference}, md5('pin' || r.i) || md5('pin2' || r.i), r.version_id, r.code,
                r.kind, r.workflow, r.agency_id,
                CASE WHEN r.r_channel < 0.04 THEN {citizen} END,
                CASE WHEN r.r_channel >= 0.6 AND r.r_channel < 0.85 THEN {operator} END,
                CASE WHEN r.r_channel < 0.6 THEN 'web' WHEN r.r_channel < 0.85 THEN 'operator' ELSE 'api' END,
                {name}, '{ciphertext}', md5('nik' || r.i) || md5('nik2' || r.i),
                '08' || lpad((r.i * 7 % 1000000000)::text, 10, '0'), '', r.desa, r.kecamatan, '',
                jsonb_build_object('full_name', {name}, 'village', r.desa, 'phone', '081234567890',
                    'address', 'Jl. Merdeka RT ' || (r.i % 20 + 1) || ' Dusun ' || (r.i % 5 + 1),
                    'nik', 'enc:{ciphertext}', 'reason', 'damaged'),
                '{{}}'::jsonb, r.status, r.submitted_at,
                r.submitted_at::date + ceil(r.sla * 1.4)::int,
                CASE WHEN r.status IN ('perlu_perbaikan', 'ditunda') THEN 1 ELSE 0 END,
                CASE WHEN r.status IN ('perlu_perbaikan', 'ditunda') THEN r.submitted_at::date + 2 END,
                r.status = 'diperpanjang',
                CASE WHEN r.status = ANY({closed}) THEN least(now(), {closing}) END,
                CASE WHEN r.agency_id = {dukcapil} AND r.status NOT IN ('diajukan', 'diterima')
                          AND r.r_assign < 0.45 THEN {officer}
                     WHEN r.agency_id = {dukcapil} AND r.status NOT IN ('diajukan', 'diterima')
                          AND r.r_assign < 0.6 THEN {head}
                     WHEN r.code = 'izin-reklame' AND r.status NOT IN ('diajukan', 'diterima') THEN {dpmptsp} END,
                CASE WHEN r.status IN ('perlu_perbaikan') THEN 1 ELSE 0 END, NULL, '{SCOPE}', NULL,
                CASE WHEN r.status = ANY({closed}) THEN least(now(), {closing})
                     ELSE r.submitted_at + interval '1 hour' END
            FROM bw_rows r ORDER BY r.submitted_at
            ON CONFLICT (reference) DO NOTHING""")
        loaded = time.perf_counter() - t0
        # History: the submission, and for every case past its first status the transition to where it is now.
        cur.execute(f"""
            INSERT INTO cases_caseevent (case_id, at, actor_id, actor_label, action, from_status, to_status,
                public_note, internal_note, visible_to_applicant, data)
            SELECT c.id, c.submitted_at, c.applicant_id, c.applicant_name, 'submit', '',
                   CASE c.workflow WHEN 'complaint' THEN 'diterima' ELSE 'diajukan' END, '', '', true,
                   jsonb_build_object('channel', c.channel, 'documents', 1)
            FROM cases_case c WHERE c.idempotency_scope = '{SCOPE}'
            UNION ALL
            SELECT c.id, c.updated_at, c.assigned_to_id, 'Petugas', CASE c.status WHEN 'selesai' THEN 'approve'
                       WHEN 'ditolak' THEN 'reject' WHEN 'dibatalkan' THEN 'withdraw' WHEN 'dialihkan' THEN 'redirect'
                       WHEN 'perlu_perbaikan' THEN 'request_revision' WHEN 'ditunda' THEN 'postpone'
                       WHEN 'diproses' THEN 'process' WHEN 'diperpanjang' THEN 'extend'
                       WHEN 'ditindaklanjuti' THEN 'follow_up' ELSE 'verify' END,
                   CASE c.workflow WHEN 'complaint' THEN 'terverifikasi' ELSE 'verifikasi' END, c.status, '', '',
                   true, '{{}}'::jsonb
            FROM cases_case c WHERE c.idempotency_scope = '{SCOPE}' AND c.status NOT IN ('diajukan', 'diterima')""")
        # Dispositions: open cases of other agencies forwarded to Dukcapil and still pending (they show in its
        # worklist through the disposition), and older Dukcapil cases forwarded elsewhere and accepted.
        pending = max(1, cases // 500)
        cur.execute(f"""
            WITH picked AS (SELECT id, agency_id FROM cases_case WHERE idempotency_scope = '{SCOPE}'
                            AND agency_id <> {dukcapil} AND status NOT IN (SELECT unnest({closed}))
                            ORDER BY id LIMIT {pending}),
                 moved AS (UPDATE cases_case c SET status = 'didisposisi' FROM picked WHERE c.id = picked.id
                           RETURNING c.id, c.agency_id, c.submitted_at)
            INSERT INTO cases_disposition (case_id, from_agency_id, to_agency_id, reason, status, created_by_id,
                                           created_at, decided_by_id, decided_at, decision_note)
            SELECT id, agency_id, {dukcapil}, 'Kewenangan Disdukcapil', 'pending', NULL, submitted_at + interval '1 day',
                   NULL, NULL, '' FROM moved""")
        cur.execute(f"""
            INSERT INTO cases_disposition (case_id, from_agency_id, to_agency_id, reason, status, created_by_id,
                                           created_at, decided_by_id, decided_at, decision_note)
            SELECT id, {dukcapil}, (SELECT id FROM agencies_agency WHERE code = 'dinkominfo'), 'Bukan kewenangan',
                   'accepted', {officer}, submitted_at + interval '1 day', NULL, submitted_at + interval '2 day', ''
            FROM cases_case WHERE idempotency_scope = '{SCOPE}' AND agency_id = {dukcapil} AND status = 'selesai'
            ORDER BY cases_case.id LIMIT {max(1, cases // 200)}""")
        # A sample with the real keyed hash of a NIK shared by three cases each (one person, several cases).
        cur.execute(f"SELECT id, kecamatan_code FROM cases_case WHERE idempotency_scope = '{SCOPE}' "
                    f"ORDER BY md5(id::text) LIMIT {SAMPLE}")
        rows = cur.fetchall()
        updates = []
        for n, (case_id, kecamatan) in enumerate(rows):
            person = n // 3
            nik = f"{kecamatan.replace('.', '')}{1 + person % 28:02d}{1 + person % 12:02d}{80 + person % 20:02d}{person % 10000:04d}"
            updates.append((nik_hash(nik), nik, case_id))
        cur.execute("CREATE TEMP TABLE bw_nik (nik_hash text, nik text, case_id bigint) ON COMMIT DROP")
        cur.executemany("INSERT INTO bw_nik VALUES (%s, %s, %s)", updates)
        cur.execute("UPDATE cases_case c SET nik_hash = n.nik_hash FROM bw_nik n WHERE c.id = n.case_id")
        cur.execute("DROP TABLE IF EXISTS bench_worklist_nik")
        cur.execute("CREATE TABLE bench_worklist_nik AS SELECT nik, case_id FROM bw_nik")
        for _index_name, definition in indexes:
            cur.execute(definition)
        cur.execute("CREATE TABLE IF NOT EXISTS bench_worklist_done (cases int)")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"  generated {cases:,} cases in {loaded:.0f} s, with history, dispositions, indexes and ANALYZE in "
          f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)


# -- measuring ------------------------------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def measure(requests: int, max_seconds: float) -> None:
    """Runs in a child with Django set up on the target database; prints one JSON object."""
    import django

    django.setup()
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from simpul.accounts.models import User
    from simpul.cases.models import Case
    from simpul.cases.selectors import case_list_for_officer
    from simpul.core.pdp import nik_hash

    try:  # the worklist's own paginator (counting at most its cap) where this version has one
        from simpul.backoffice.views import WorklistPaginator as paginator_class
    except ImportError:
        paginator_class = Paginator

    def logged_in(user: User) -> Client:
        client = Client()
        client.force_login(user, backend="simpul.accounts.backends.EmailOrPhoneBackend")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    officer = User.objects.get(email=OFFICER)
    small_officer = User.objects.get(email=SMALL_AGENCY_OFFICER)
    clients = {officer.pk: logged_in(officer), small_officer.pk: logged_in(small_officer)}

    agency_id = officer.memberships.values_list("agency_id", flat=True).first()
    references = list(Case.objects.filter(agency_id=agency_id).order_by("-id").values_list("reference", flat=True)
                      [:300])[::3]
    with connection.cursor() as cur:
        cur.execute("SELECT n.nik FROM bench_worklist_nik n JOIN cases_case c ON c.id = n.case_id "
                    "WHERE c.agency_id = %s ORDER BY n.case_id LIMIT 100", [agency_id])
        niks = [row[0] for row in cur.fetchall()] or ["1606010101800000"]
    fragments = [r.split("-")[2][:4] for r in references] or ["7K3Q"]
    kecamatan = "16.06.03"

    dukcapil, dpmptsp = officer, small_officer
    targets: list[tuple[str, object, object]] = [
        ("worklist: open, by due date, page 1", dukcapil, lambda i: {}),
        ("worklist: open, deep page (?page=100)", dukcapil, lambda i: {"page": "100"}),
        ("worklist: status verifikasi, page 1", dukcapil, lambda i: {"status": "verifikasi"}),
        ("worklist: all statuses, newest first, page 1", dukcapil, lambda i: {"status": "all", "sort": "new"}),
        ("worklist: all, newest, deep page (?page=1000)", dukcapil, lambda i: {"status": "all", "sort": "new",
                                                                            "page": "1000"}),
        ("worklist: overdue", dukcapil, lambda i: {"due": "overdue"}),
        ("worklist: assigned to me", dukcapil, lambda i: {"assigned": "me"}),
        ("worklist (small OPD): open, page 1", dpmptsp, lambda i: {}),
        ("worklist (small OPD): all, deep (?page=150)", dpmptsp, lambda i: {"status": "all", "sort": "new",
                                                                              "page": "150"}),
        ("search: exact reference (all statuses)", dukcapil, lambda i: {"status": "all",
                                                                        "q": references[i % len(references)]}),
        ("search: reference fragment (all statuses)", dukcapil, lambda i: {"status": "all",
                                                                           "q": fragments[i % len(fragments)]}),
        ("search: status+service+kecamatan, newest", dukcapil, lambda i: {
            "status": "selesai", "service": "akta-kelahiran", "kecamatan": kecamatan, "sort": "new"}),
        ("search: status+service+due within 7 days", dukcapil, lambda i: {"status": "diproses",
                                                                          "service": "ktp-el-baru", "due": "week"}),
        ("search: NIK keyed hash (selector only)", dukcapil, lambda i: {"status": "all", "nik": niks[i % len(niks)]}),
    ]

    def timed(fn, label: str) -> dict:
        times: list[float] = []
        fn(0)  # warm: the first request compiles templates and fills caches
        deadline = time.perf_counter() + max_seconds
        for i in range(requests):
            start = time.perf_counter()
            fn(i + 1)
            times.append(time.perf_counter() - start)
            if time.perf_counter() > deadline and len(times) >= min(20, requests):
                break
        return {"label": label, "n": len(times), "p95": _percentile(times, 0.95) * 1000,
                "median": statistics.median(times) * 1000}

    def via_selector(user, params_for):
        def run(i: int) -> None:
            params = dict(params_for(i))
            nik = params.pop("nik", None)
            qs = case_list_for_officer(user, params)
            if nik:
                qs = qs.filter(nik_hash=nik_hash(nik))
            page = paginator_class(qs, 50).get_page(params.get("page"))
            list(page.object_list)
            page.paginator.count  # noqa: B018 - the caption shows it
        return run

    def via_page(user, params_for):
        client = clients[user.pk]

        def run(i: int) -> None:
            response = client.get("/kantor/?" + urlencode(params_for(i)))
            if response.status_code != 200:
                raise SystemExit(f"/kantor/ answered {response.status_code}")
        return run

    def select_one(_i: int) -> None:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()

    results = {"select1": timed(select_one, "SELECT 1"), "cases": Case.objects.count(), "targets": []}
    for label, user, params_for in targets:
        row = {"label": label, "selector": timed(via_selector(user, params_for), label)}
        if "nik" not in params_for(0):
            row["page"] = timed(via_page(user, params_for), label)
        results["targets"].append(row)
    print(json.dumps(results))


# -- orchestration --------------------------------------------------------------------------------------------------


def _wait_for_postgres(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with _admin_connect(url):
                return
        except Exception:  # not up yet
            time.sleep(2)


def _child(args: argparse.Namespace) -> None:
    if args.child == "generate":
        generate(args.cases)
    else:
        measure(args.requests, args.max_seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the large database")
    parser.add_argument("--baseline-cases", type=int, default=1000, help="cases in the baseline database")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per target")
    parser.add_argument("--max-seconds", type=float, default=15.0,
                        help="time cap per target and way of measuring (at least 20 requests)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database that already holds the requested number of generated cases")
    parser.add_argument("--child", choices=["generate", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = DEFAULT_URL
    try:
        import psycopg

        with _admin_connect(url):
            pass
    except Exception as exc:  # any failure to reach PostgreSQL means: skip
        print(f"skipped: needs PostgreSQL (DATABASE_URL or {DEFAULT_URL}): {str(exc).splitlines()[0][:120]}")
        return
    del psycopg
    small_url = _with_db(url, _db_name(url) + "_small")
    var_dir = tempfile.mkdtemp(prefix="simpul-bench-worklist-")
    env = {**os.environ, "SIMPUL_VAR_DIR": var_dir, "SIMPUL_DEMO_MODE": "true", "SIMPUL_LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT / "src"), "DJANGO_SETTINGS_MODULE": "simpul.settings",
           "SIMPUL_TESTING": "true"}  # plain static storage: no collectstatic for the test client's pages
    measured = {}
    setup = []
    for label, db_url, count in (("small", small_url, args.baseline_cases), ("large", url, args.cases)):
        what, seconds = prepare(db_url, count, reuse=args.reuse, env=env)
        setup.append(f"{_db_name(db_url)} {count:,} cases {what} in {seconds:.0f} s")
        for attempt in range(3):  # a shared machine's PostgreSQL may restart under us: measure again, twice at most
            out = subprocess.run([sys.executable, "-u", __file__, "--child", "measure", "--requests",
                                  str(args.requests), "--max-seconds", str(args.max_seconds)],
                                 env={**env, "DATABASE_URL": db_url}, capture_output=True, text=True)
            if out.returncode == 0:
                break
            sys.stderr.write(out.stderr[-2000:])
            if attempt == 2:
                raise SystemExit(f"measuring {_db_name(db_url)} failed (exit {out.returncode})")
            _wait_for_postgres(url)
        measured[label] = json.loads(out.stdout.strip().splitlines()[-1])
    large, small = measured["large"], measured["small"]
    print(f"PostgreSQL, Django test client in one process, officer of Dukcapil; {'; '.join(setup)}; "
          f"{large['cases']:,} vs {small['cases']:,} cases in total")
    print(f"baseline SELECT 1 round trip: p95 {large['select1']['p95']:.2f} ms, median "
          f"{large['select1']['median']:.2f} ms")
    print(f"{'target':<46} {'selector p95/med ms':>20} {'page p95/med ms':>17} {'small db page p95':>17} "
          f"{'ratio':>6}  n")
    for big, base in zip(large["targets"], small["targets"], strict=True):
        sel = big["selector"]
        page = big.get("page")
        base_page = base.get("page") or base["selector"]
        own = page or sel
        ratio = own["p95"] / base_page["p95"] if base_page["p95"] else float("nan")
        page_text = f"{page['p95']:.1f}/{page['median']:.1f}" if page else "-"
        base_label = f"{base_page['p95']:.1f}" + ("" if base.get("page") else " (sel)")
        print(f"{big['label']:<46} {sel['p95']:>10.1f}/{sel['median']:<9.1f} {page_text:>17} {base_label:>17} "
              f"{ratio:>5.1f}x  {own['n']}")


if __name__ == "__main__":
    main()
