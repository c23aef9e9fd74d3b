"""Locust scenario "opening day" for `bench/bench_load.py`: an open (arrival-rate) model of a registration day.

    .venv/bin/locust -f bench/locustfile.py --headless --host http://127.0.0.1:8000 --csv /tmp/load
    (bench/bench_load.py starts gunicorn + PostgreSQL itself and runs this for you; use that)

Each simulated visitor does one action every SIMPUL_LOAD_PACING seconds (`constant_pacing`), whatever the server
answers in between, so the number of users sets the ARRIVAL RATE (actions/s = users / pacing) rather than a fixed
number of clients waiting for each other: the server's slowness does not slow the arrivals (as long as an answer
takes less than the pacing). The mix, by weight:

    35  the catalogue /layanan/                              15  the first application step (GET .../ajukan/:
    20  a service page /layanan/<code>/                          a draft is created, then its first page)
    15  POST /api/v1/cases/ with a 200 KB PDF (demo key,      15  tracking: GET /api/v1/cases/<ref>/status with
        a new Idempotency-Key per submission)                    the PIN of a case submitted earlier in the run

A submission answered with 503 or with no answer at all is retried later with the SAME Idempotency-Key and body
(taking the place of a new submission, so the arrival rate is unchanged), as the offline outbox does.

The shape (`OpeningDay`) warms the server up at a low rate (not measured), then steps the arrival rate up to
find the capacity: the highest step whose p95 stays within ~1 s (max(1 s, twice the first step's p95), so a
machine that is slow even when idle still finds where latency starts to climb), with no errors and no shedding,
and whose completed rate keeps up with the offered rate; a step that fails is measured once more before the
search ends (on a shared machine one bad reading may be another program's load). Then it ramps to 3x that rate and holds it, then drops
to 0.5x and holds (recovery). SIMPUL_LOAD_PROFILE=short makes it ~45 s.
Every request, the phases and the acknowledged (Idempotency-Key, reference) pairs are written as JSON to
SIMPUL_LOAD_RESULTS when the run ends; bench_load.py turns them into figures and checks the database.
"""

from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
import uuid
from collections import deque
from pathlib import Path

import gevent
from locust import LoadTestShape, constant_pacing, events, task
from locust.contrib.fasthttp import FastHttpUser

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import API_KEY, SERVICE, _case_body

PACING = float(os.environ.get("SIMPUL_LOAD_PACING", "5"))
PROFILE = os.environ.get("SIMPUL_LOAD_PROFILE", "full")
RESULTS = os.environ.get("SIMPUL_LOAD_RESULTS", "")
# Capacity search: start rate (actions/s), factor per step, step length, seconds ignored at a step's start, cap.
PROFILES = {
    "full": {"warmup": 10.0, "start": 3.0, "factor": 1.3, "step": 10.0, "settle": 3.0, "max_rate": 400.0,
             "max_steps": 20, "ramp": 10.0, "hold": 60.0, "recovery": 60.0},
    "short": {"warmup": 4.0, "start": 4.0, "factor": 1.8, "step": 4.0, "settle": 1.5, "max_rate": 200.0,
              "max_steps": 4, "ramp": 3.0, "hold": 10.0, "recovery": 10.0},
}
CONFIG = PROFILES[PROFILE]
KINDS = ["catalogue", "service page", "apply step 1", "submission + 200 KB PDF", "tracking lookup"]

T0 = time.time()  # reset when the shape starts
PHASE = {"index": 0}
PHASES: list[dict] = []  # {"name", "start", "end", "rate"}: seconds since T0, rate in actions/s
STEPS: list[dict] = []  # the capacity search, one row per step
RECORDS: list[list] = []  # [end (s since T0), phase index, kind index, response ms, status, Retry-After present]
ACKED: list[list[str]] = []  # [Idempotency-Key, reference] of every 201/200 answer to a submission
TRACKABLE: deque[tuple[str, str]] = deque(maxlen=1000)  # (reference, PIN) for tracking lookups
RETRY: deque[tuple[str, int, float]] = deque(maxlen=5000)  # (key, body seed, not before) of unanswered submissions
COUNTER = {"i": 0, "sent_keys": 0, "retries": 0}
LOCK = threading.Lock()


def _record(kind: int, response_ms: float, response) -> int:
    status = int(getattr(response, "status_code", 0) or 0)
    headers = getattr(response, "headers", None) or {}
    retry_after = bool(headers.get("Retry-After")) if status == 503 else False
    RECORDS.append([round(time.time() - T0, 3), PHASE["index"], kind, round(response_ms, 1), status,
                    int(retry_after)])
    return status


@events.request.add_listener
def _on_request(request_type, name, response_time, response_length, response=None, exception=None,
                context=None, **_kwargs) -> None:
    kind = (context or {}).get("kind")
    if kind is not None:
        status = _record(kind, response_time, response)
        if exception is not None and status >= 200 and status < 400:
            RECORDS[-1][4] = 0  # an answer that broke off mid-body counts as a connection error


def _write_results(**_kwargs) -> None:
    if not RESULTS:
        return
    now = round(time.time() - T0, 3)
    if PHASES and PHASES[-1]["end"] is None:
        PHASES[-1]["end"] = now
    Path(RESULTS).write_text(json.dumps({
        "profile": PROFILE, "pacing": PACING, "kinds": KINDS, "phases": PHASES, "steps": STEPS,
        "records": RECORDS, "acked": ACKED, "sent_keys": COUNTER["sent_keys"], "retries": COUNTER["retries"],
        "pending_retries": len(RETRY),
    }))


events.test_stop.add_listener(_write_results)
events.quitting.add_listener(_write_results)


class Visitor(FastHttpUser):
    wait_time = constant_pacing(PACING)
    connection_timeout = 10.0
    network_timeout = 30.0
    default_headers = {"Accept-Language": "id", "Accept": "text/html,application/json"}

    def on_start(self) -> None:
        # Users start in bursts (the spawn rate); without a random phase each burst would keep arriving together,
        # every PACING seconds, instead of spreading its actions over the interval as independent visitors do.
        gevent.sleep(random.uniform(0, PACING))

    @task(35)
    def catalogue(self) -> None:
        self.client.get("/layanan/", name="catalogue /layanan/", context={"kind": 0})

    @task(20)
    def service_page(self) -> None:
        self.client.get(f"/layanan/{SERVICE}/", name="service page", context={"kind": 1})

    @task(15)
    def apply_first_step(self) -> None:
        # Starts a draft (a write) and follows the redirect to the first page of the form.
        self.client.get(f"/layanan/{SERVICE}/ajukan/", name="apply step 1", context={"kind": 2})

    @task(15)
    def submit(self) -> None:
        now = time.time()
        with LOCK:
            if RETRY and RETRY[0][2] <= now:
                key, seed, _not_before = RETRY.popleft()
                COUNTER["retries"] += 1
            else:
                COUNTER["i"] += 1
                COUNTER["sent_keys"] += 1
                key, seed = str(uuid.uuid4()), COUNTER["i"]
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "Authorization": f"Bearer {API_KEY}", "Idempotency-Key": key}
        with self.client.post("/api/v1/cases/", data=_case_body(seed, document=True), headers=headers,
                              name="submission + 200 KB PDF", context={"kind": 3}, catch_response=True) as response:
            status = int(response.status_code or 0)
            if status in (200, 201):
                try:
                    data = json.loads(response.content)
                except ValueError:
                    response.failure("acknowledged without a JSON body")
                    return
                ACKED.append([key, data["reference"]])
                TRACKABLE.append((data["reference"], data.get("pin", "")))
            elif status in (0, 409, 503) or status >= 500:
                retry_after = float(response.headers.get("Retry-After") or 5) if status == 503 else 2.0
                RETRY.append((key, seed, time.time() + retry_after))

    @task(15)
    def track(self) -> None:
        if not TRACKABLE:
            self.client.get("/lacak/", name="tracking page", context={"kind": 4})
            return
        reference, pin = random.choice(TRACKABLE)
        self.client.get(f"/api/v1/cases/{reference}/status", name="tracking lookup",
                        headers={"X-Case-PIN": pin, "Accept": "application/json"}, context={"kind": 4})


def _window(start: float, end: float) -> list[list]:
    return [r for r in RECORDS if start <= r[0] < end]


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[int(0.95 * (len(values) - 1))] if values else float("nan")


class OpeningDay(LoadTestShape):
    """Capacity search (steps of rising arrival rate), then 3x capacity, then 0.5x (recovery), then stop."""

    def __init__(self) -> None:
        super().__init__()
        self.stage = "warm-up"
        self.rate = CONFIG["start"] / 2
        self.stage_start = 0.0
        self.capacity = 0.0
        self.baseline_ms = 0.0
        self.confirming = False

    def reset_time(self) -> None:
        global T0
        super().reset_time()
        T0 = time.time()

    def _phase(self, name: str, rate: float, now: float) -> None:
        if PHASES:
            PHASES[-1]["end"] = now
        PHASES.append({"name": name, "start": now, "end": None, "rate": round(rate, 2)})
        PHASE["index"] = len(PHASES) - 1
        self.stage_start = now

    def _users(self, rate: float) -> tuple[int, float]:
        users = max(1, round(rate * PACING))
        return users, max(users, 50)  # reach the new arrival rate within about a second

    def tick(self) -> tuple[int, float] | None:
        now = time.time() - T0
        if not PHASES:
            self._phase("warm-up", self.rate, now)
        if self.stage == "warm-up" and now - self.stage_start >= CONFIG["warmup"]:
            self.stage, self.rate = "capacity", CONFIG["start"]
            self._phase(f"capacity step {self.rate:.1f}/s", self.rate, now)
        if self.stage == "capacity" and now - self.stage_start >= CONFIG["step"]:
            window = _window(self.stage_start + CONFIG["settle"], now)
            seconds = max(0.001, now - self.stage_start - CONFIG["settle"])
            ok = [r for r in window if 200 <= r[4] < 400]
            errors = [r for r in window if not 200 <= r[4] < 400]
            p95 = _p95([r[3] for r in window])
            if not STEPS:  # what this machine answers in when barely loaded (the first step)
                self.baseline_ms = p95
            limit = max(1000.0, 2 * self.baseline_ms)
            good = bool(window) and p95 <= limit and not errors and len(ok) / seconds >= 0.85 * self.rate
            STEPS.append({"rate": round(self.rate, 2), "users": self._users(self.rate)[0], "requests": len(window),
                          "ok_rps": round(len(ok) / seconds, 1), "p95_ms": round(p95, 1), "errors": len(errors),
                          "limit_ms": round(limit, 1), "good": good})
            if good:
                self.capacity = self.rate
            confirm = not good and not self.confirming and len(STEPS) < CONFIG["max_steps"]
            self.confirming = confirm
            if confirm:  # one bad reading on a shared machine may be someone else's load: measure the step again
                self._phase(f"capacity step {self.rate:.1f}/s (again)", self.rate, now)
            elif not good or self.rate * CONFIG["factor"] > CONFIG["max_rate"] or len(STEPS) >= CONFIG["max_steps"]:
                self.capacity = self.capacity or CONFIG["start"]
                self.stage = "ramp"
                self._phase("ramp to 3x", 3 * self.capacity, now)
            else:
                self.rate *= CONFIG["factor"]
                self._phase(f"capacity step {self.rate:.1f}/s", self.rate, now)
        if self.stage == "ramp":
            progress = min(1.0, (now - self.stage_start) / CONFIG["ramp"])
            self.rate = self.capacity * (1 + 2 * progress)
            if progress >= 1.0:
                self.stage = "hold"
                self._phase("3x capacity", 3 * self.capacity, now)
        if self.stage == "hold" and now - self.stage_start >= CONFIG["hold"]:
            self.stage = "recovery"
            self.rate = 0.5 * self.capacity
            self._phase("0.5x capacity (recovery)", self.rate, now)
        if self.stage == "recovery" and now - self.stage_start >= CONFIG["recovery"]:
            PHASES[-1]["end"] = now
            return None
        users, spawn_rate = self._users(self.rate)
        return users, spawn_rate
