"""Demo data of the assessment app (demo mode only), idempotent.

1. The paper's 2020 round, loaded from data/paper-instruments-2020.json: the importance answer (SP), the five
   maturity items with answers, levels 5 and findings, and the two triangulation rows (Tables 3, 5, 6).
2. A 2026 needs round on Simpul's dual-scale questionnaire with generated sample answers (IPA, r_wg), an
   interview coded by two coders, a triangulation matrix and recommendations. Labelled as sample data.
3. Two SPBE self-assessment rounds (2025, 2026) with sample levels, to show the index and its trend.
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

from django.conf import settings

from simpul.accounts.models import Role, User
from simpul.agencies.models import Agency
from simpul.assessment.frameworks import DATA_DIR
from simpul.assessment.models import Channel, Framework, Method, Round, RoundStatus, Stance, StudyStage
from simpul.assessment.services import (
    code_create,
    evidence_add,
    excerpt_add,
    memo_add,
    recommendations_generate,
    response_submit,
    round_advance_stage,
    round_create,
    round_set_verification,
    round_transition,
    triangulation_row_save,
)
from simpul.regions.models import Region

PAPER_ROUND = "Analisis Kebutuhan Layanan Digital E-Government Muba 2020"
NEEDS_ROUND = "Survei Kebutuhan Layanan Digital 2026 (data contoh)"
SPBE_ROUND = "Penilaian Mandiri SPBE {year} (data contoh)"
DEMO_NS = uuid.UUID("6f1c1a52-6b0e-4e0b-9a3c-2f7d3c6a0001")

INTERVIEW = (
    "Pewawancara: Bagaimana akses internet di desa saat ini?\n"
    "Informan A: Di kantor desa sudah ada wifi dari Dinas PMD, tetapi sering putus saat hujan. "
    "Warga datang ke balai desa untuk mengurus KTP secara daring. "
    "Kalau jaringan putus, operator menunggu sampai sore.\n"
    "Pewawancara: Apa yang paling dibutuhkan?\n"
    "Informan A: Jaringan yang stabil dan pelatihan untuk operator desa. "
    "Aplikasi sudah ada, tetapi belum semua OPD terhubung."
)


def _uid(*parts: Any) -> uuid.UUID:
    return uuid.uuid5(DEMO_NS, "/".join(map(str, parts)))


def load(*, stdout: Any) -> None:
    if not settings.DEMO_MODE:
        return
    actor = User.objects.filter(role=Role.EVALUATOR).order_by("id").first()
    _paper_round(actor, stdout)
    _needs_round(actor, stdout)
    _spbe_rounds(actor, stdout)


def _paper_round(actor: Any, stdout: Any) -> None:
    if Round.objects.filter(name=PAPER_ROUND, year=2020).exists():
        return
    data = json.loads((DATA_DIR / "paper-instruments-2020.json").read_text(encoding="utf-8"))
    fw = Framework.objects.get(code="paper", version="2020")
    rnd = round_create(framework=fw, name=PAPER_ROUND, year=2020, actor=actor,
                       scope_label=data["round"]["scope"], data_owners=", ".join(data["round"]["data_owners"]))
    codes = {p["code"]: p["value"] for p in data["importance_scale"]}
    for item in data["importance_items"]:
        for n, answer in enumerate(item["answers"]):
            response_submit(round=rnd, response_id=_uid("paper", "TK", item["no"], n), channel=Channel.IMPORT,
                            partial=True,
                            answers={f"TK{item['no']}": {"value": codes[answer]}},
                            attrs={"respondent_label": "Dinkominfo & Dinas PMD Muba"}, user=actor)
    response_submit(
        round=rnd, response_id=_uid("paper", "maturity"), channel=Channel.IMPORT, user=actor, partial=True,
        attrs={"group": "pegawai", "respondent_label": "Dinkominfo & Dinas PMD Muba"},
        answers={f"M{m['no']}": {"level": m["level"], "answer_text": m["answer"], "finding": m["finding"]}
                 for m in data["maturity_items"]},
    )
    for row in data["triangulation_items"]:
        triangulation_row_save(round=rnd, statement=row["question"], actor=actor, cells={
            Method.INTERVIEW: (row["interview"], Stance.SUPPORTS),
            Method.OBSERVATION: (row["observation"], Stance.SUPPORTS),
        })
    for _step in range(2):
        round_advance_stage(round=rnd, actor=actor)
    round_set_verification(round=rnd, tactics=["triangulating"], actor=actor)  # the paper's Table 6
    for status in (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        rnd = round_transition(round=rnd, to=status, actor=actor)
    stdout.write("assessment demo: the paper's 2020 round (Tables 3, 5, 6)")


def _needs_round(actor: Any, stdout: Any) -> None:
    if Round.objects.filter(name=NEEDS_ROUND).exists():
        return
    fw = Framework.objects.get(code="kebutuhan", version="2026")
    rnd = round_create(framework=fw, name=NEEDS_ROUND, year=2026, actor=actor, scope_label="Kabupaten Musi Banyuasin")
    rnd = round_transition(round=rnd, to=RoundStatus.OPEN, actor=actor)
    rng = random.Random(2026)  # noqa: S311 - sample data, not security
    kecamatan = list(Region.objects.filter(level="kecamatan").order_by("code")[:15])
    agencies = list(Agency.objects.order_by("code")[:6])
    # importance high everywhere; performance lower for network and integration (quadrant I items)
    perf_mean = {"K01": 2.2, "K02": 2.6, "K03": 3.8, "K04": 3.4, "K05": 2.9, "K06": 3.9, "K07": 2.4,
                 "K08": 3.2, "K09": 3.1, "K10": 2.8}
    imp_mean = {"K01": 4.6, "K02": 4.4, "K03": 4.5, "K04": 3.9, "K05": 4.2, "K06": 4.0, "K07": 4.3,
                "K08": 4.4, "K09": 3.6, "K10": 3.4}

    def draw(mean: float) -> int:
        return max(1, min(5, round(rng.gauss(mean, 0.8))))

    for n in range(240):
        group = rng.choice(["warga", "warga", "pegawai", "pelaku_usaha"])
        attrs: dict[str, Any] = {"group": group}
        if kecamatan:
            attrs["kecamatan"] = rng.choice(kecamatan)
        if group == "pegawai" and agencies:
            attrs["agency"] = rng.choice(agencies)
        answers = {code: {"value": draw(imp_mean[code]), "performance": draw(perf_mean[code])} for code in imp_mean}
        response_submit(round=rnd, response_id=_uid("needs", n), channel=Channel.PUBLIC, answers=answers,
                        attrs=attrs)
    coders = list(User.objects.filter(role__in=[Role.EVALUATOR, Role.PLATFORM_ADMIN]).order_by("id")[:2])
    interview = evidence_add(round=rnd, kind="interview", title="Wawancara operator desa (contoh)", actor=actor,
                             text=INTERVIEW, informant="Informan A", informant_role="Operator desa",
                             consent_recorded=True, items=list(fw.items.filter(code__in=["K01", "K09", "K07"])))
    evidence_add(round=rnd, kind="observation", title="Pengamatan balai desa (contoh)", actor=actor,
                 text="Wifi balai desa aktif pukul 09.00-15.00; dua kali putus selama pengamatan.",
                 items=list(fw.items.filter(code="K01")))
    jaringan = code_create(round=rnd, name="Jaringan", actor=actor)
    putus = code_create(round=rnd, name="Jaringan tidak stabil", parent=jaringan, actor=actor)
    pelatihan = code_create(round=rnd, name="Kebutuhan pelatihan", actor=actor)
    if len(coders) == 2:
        for coder, extra in ((coders[0], ""), (coders[1], "Kalau jaringan putus")):
            excerpt_add(evidence=interview, code=putus, coder=coder, quote="sering putus saat hujan")
            excerpt_add(evidence=interview, code=pelatihan, coder=coder, quote="pelatihan untuk operator desa")
            if extra:
                excerpt_add(evidence=interview, code=putus, coder=coder, quote=extra)
    memo_add(round=rnd, text="Putusnya jaringan muncul di wawancara dan pengamatan.", code=putus, actor=actor)
    triangulation_row_save(round=rnd, statement="Wifi desa sudah tersedia dan dapat dipakai warga", actor=actor,
                           cells={Method.INTERVIEW: ("Wifi dari Dinas PMD ada, sering putus", Stance.PARTIAL),
                                  Method.OBSERVATION: ("Aktif 09.00-15.00, dua kali putus", Stance.PARTIAL),
                                  Method.DOCUMENT: ("", Stance.SILENT)})
    triangulation_row_save(round=rnd, statement="Semua OPD sudah terhubung dalam satu aplikasi", actor=actor,
                           cells={Method.INTERVIEW: ("Belum semua OPD terhubung", Stance.CONTRADICTS),
                                  Method.DOCUMENT: ("Laporan Dinkominfo: integrasi SIMDA", Stance.SUPPORTS)})
    round_advance_stage(round=rnd, actor=actor)
    recommendations_generate(round=rnd, actor=actor)
    stdout.write("assessment demo: 2026 needs round with 240 sample responses")


def _spbe_rounds(actor: Any, stdout: Any) -> None:
    fw = Framework.objects.get(code="spbe", version="2020")
    previous = None
    created = False
    for year, shift in ((2025, 0.0), (2026, 0.4)):
        name = SPBE_ROUND.format(year=year)
        existing = Round.objects.filter(name=name).first()
        if existing is not None:
            previous = existing
            continue
        rnd = round_create(framework=fw, name=name, year=year, actor=actor, previous=previous,
                           scope_label="Kabupaten Musi Banyuasin")
        rnd = round_transition(round=rnd, to=RoundStatus.OPEN, actor=actor)
        rng = random.Random(year)  # noqa: S311 - sample data
        answers = {}
        for item in fw.items.all():
            level = max(1, min(5, round(rng.gauss(2.4 + shift, 0.9))))
            answers[item.code] = {"level": level, "explanation": "Contoh penjelasan level (data contoh)."}
        response_submit(round=rnd, response_id=_uid("spbe", year), channel=Channel.STAFF, answers=answers,
                        user=actor, attrs={"group": "pegawai", "respondent_label": "Tim Koordinasi SPBE"})
        if year == 2025:
            recommendations_generate(round=rnd, actor=actor, target_level=3)
        if rnd.stage != StudyStage.CONCLUSION:
            round_advance_stage(round=rnd, actor=actor)
        previous = rnd
        created = True
    if created:
        stdout.write("assessment demo: SPBE self-assessment rounds 2025 and 2026")
