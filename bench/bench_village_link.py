"""A village hall on a VSAT link: how long a form page takes to load and a submission to be acknowledged.

Chromium's network emulation (CDP `Network.emulateNetworkConditions`: 600 ms latency, 256 kbit/s down and up,
PERFORMANCE.md's "simulated VSAT" row) next to the same steps on an unthrottled link, in one run. Timings are
printed, never asserted (shared, noisy machines). Measured:
- form page, first visit: a fresh browser (empty cache) opens /layanan/<service>/ajukan/ until the `load` event
  (the start URL redirects to the first page of the form, as it does for a citizen);
- submission acknowledged: on the check-and-send page, from pressing "Send application" to the confirmation page
  with the reference number (the earlier form steps are filled unthrottled: they are not what is measured).

It starts its own server (`simpul run --no-worker`, gunicorn) on a free 127.0.0.1 port with a temporary
SIMPUL_VAR_DIR, migrates and loads the reference and demo data. Static files: the repository's collected
var/static is linked when it exists (run `make static` once), else collected into the temporary directory.

    .venv/bin/python bench/bench_village_link.py [--repeat 3] [--service ktp-el-penggantian]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
VSAT = {"offline": False, "latency": 600, "downloadThroughput": 256_000 / 8, "uploadThroughput": 256_000 / 8}
FAST = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIMPUL_", "DATABASE_URL"))}
    env.update({"SIMPUL_VAR_DIR": str(var_dir), "SIMPUL_DEMO_MODE": "true", "SIMPUL_TESTING": "false"})
    return env


def _prepare(var_dir: Path, env: dict[str, str]) -> None:
    def simpul(*args: str, check: bool = True) -> None:
        done = subprocess.run([str(BIN / "simpul"), *args], env=env, cwd=ROOT, capture_output=True, text=True)
        if check and done.returncode != 0:
            sys.exit(f"simpul {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        if done.returncode != 0:
            print(f"(simpul {args[0]} partly failed; continuing: {done.stderr.strip().splitlines()[-1:]})")

    collected = ROOT / "var" / "static"
    if (collected / "staticfiles.json").exists():
        (var_dir / "static").symlink_to(collected)
    else:
        simpul("collectstatic", "--noinput", "--verbosity", "0")
    simpul("migrate", "--noinput", "--verbosity", "0")
    simpul("compilemessages_simpul", check=False)
    simpul("reference", check=False)
    simpul("demo", check=False)


def _start(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(BIN / "simpul"), "run", "--no-worker", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    sys.exit("the server did not answer /healthz within 60 s")


def _scan(path: Path) -> str:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 200, 200)).save(out, format="JPEG", quality=80)
    path.write_bytes(out.getvalue())
    return str(path)


def _fill_ktp(page, scan: str) -> None:
    page.get_by_label("NIK pemohon").fill("1606014101900001")
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("Nomor Kartu Keluarga").fill("1606011503200001")
    page.get_by_label("Desa/kelurahan tempat tinggal").select_option("16.06.01.2001")
    page.get_by_label("Alamat (jalan, RT/RW, dusun)").fill("Jl. Merdeka RT 02 RW 01")
    page.get_by_label("Nomor HP/WhatsApp").fill("081234567890")
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.get_by_label("KTP-el rusak").check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.locator("#doc_kk").set_input_files(scan)
    page.get_by_role("button", name="Lanjut", exact=True).click()


def _one_run(browser, site: str, service: str, conditions: dict, scan: str) -> tuple[float, float]:
    context = browser.new_context(locale="id-ID", service_workers="block")
    context.set_default_timeout(120_000)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # a first visit
    cdp.send("Network.emulateNetworkConditions", conditions)
    started = time.perf_counter()
    page.goto(f"{site}/layanan/{service}/ajukan/", wait_until="load")
    form_load = time.perf_counter() - started
    cdp.send("Network.emulateNetworkConditions", FAST)
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    _fill_ktp(page, scan)
    cdp.send("Network.emulateNetworkConditions", conditions)
    started = time.perf_counter()
    page.get_by_role("button", name="Kirim permohonan").click()
    page.wait_for_url("**/terkirim/", wait_until="load")
    page.locator(".big").first.wait_for()
    acknowledged = time.perf_counter() - started
    context.close()
    return form_load, acknowledged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--service", default="ktp-el-penggantian")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    var_dir = Path(tempfile.mkdtemp(prefix="simpul-bench-village-"))
    env = _env(var_dir)
    print(f"preparing a server in {var_dir} (migrate, reference and demo data)...", flush=True)
    _prepare(var_dir, env)
    port = _free_port()
    server = _start(port, env)
    site = f"http://127.0.0.1:{port}"
    results: dict[str, list[tuple[float, float]]] = {"unthrottled": [], "VSAT 600 ms, 256 kbit/s": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            scan = _scan(var_dir / "kk.jpg")
            for _ in range(args.repeat):  # interleaved, so both links see the same machine load
                results["unthrottled"].append(_one_run(browser, site, args.service, FAST, scan))
                results["VSAT 600 ms, 256 kbit/s"].append(_one_run(browser, site, args.service, VSAT, scan))
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)

    print(f"\nForm page first load and submission acknowledgement, median of {args.repeat} (seconds)")
    print(f"{'link':<26} {'form page load':>15} {'submission ack':>15}")
    for link, runs in results.items():
        form = statistics.median(r[0] for r in runs)
        ack = statistics.median(r[1] for r in runs)
        print(f"{link:<26} {form:>15.2f} {ack:>15.2f}")
    print("PERFORMANCE.md bar on the VSAT link: form page usable < 4 s, submission acknowledged < 3 s")


if __name__ == "__main__":
    main()
