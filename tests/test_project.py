"""Project-wide promises: checks pass, migrations are complete, public pages answer, production settings hold."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from simpul.startup import refuse_insecure_secret_key

PUBLIC_PAGES = ["/", "/en/", "/healthz", "/api/v1/schema/", "/api/v1/docs/"]


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SIMPUL_DEMO_MODE", "SIMPUL_TESTING", "DATABASE_URL", "SIMPUL_DEBUG",
                        "DJANGO_ALLOW_ASYNC_UNSAFE")}  # set by the browser tests' conftest, never in production
    env.update(
        SIMPUL_DEBUG="false", SIMPUL_HTTPS="true", SIMPUL_ALLOWED_HOSTS="simpul.example",
        SIMPUL_SECRET_KEY="test-only-" + "k3y" * 20, SIMPUL_AUDIT_KEY="test-only-audit-" + "k3y" * 20,
        SIMPUL_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="simpul.settings",
    )
    env.update(extra)
    return env


def test_system_checks_pass() -> None:
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_static_files_include_the_stylesheet() -> None:
    found = finders.find("simpul/simpul.css")
    assert found
    # The whole look stays small: 10 KB of the 50 KB page budget (public pages weigh 14.5-18 KB in all).
    assert Path(found).stat().st_size < 10 * 1024


def test_staff_pages_have_their_own_small_stylesheet() -> None:
    # Staff pages load staff.css after simpul.css; public pages never load it, so it costs citizens nothing.
    found = finders.find("simpul/staff.css")
    assert found
    assert Path(found).stat().st_size < 12 * 1024


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_answer_200(client: Client, url: str) -> None:
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_healthz_reports_database_and_task_queue(client: Client) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["task_queue"]["status"] == "ok"


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simpul", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_the_built_in_development_key(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["SIMPUL_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "simpul", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_serving_refuses_the_development_key_outside_debug_demo_and_tests(settings: Any) -> None:
    settings.SECRET_KEY = settings.INSECURE_DEV_KEY
    settings.DEBUG = settings.DEMO_MODE = settings.TESTING = False
    with pytest.raises(ImproperlyConfigured, match="SIMPUL_SECRET_KEY"):
        refuse_insecure_secret_key()
    settings.DEMO_MODE = True
    refuse_insecure_secret_key()
    settings.DEMO_MODE = False
    settings.SECRET_KEY = "another-key-" + "x" * 50
    refuse_insecure_secret_key()


def test_production_static_files_are_hashed_compressed_and_cached_for_a_year(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import json
        import django
        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.templatetags.static import static
        from django.test import Client
        # Simpul's own files only: compressing the API-docs bundles with brotli takes minutes on a busy machine.
        call_command("collectstatic", interactive=False, verbosity=0,
                     ignore_patterns=["admin/*", "rest_framework/*", "drf_spectacular*", "django_filters/*"])
        url = static("simpul/simpul.css")
        client = Client(HTTP_HOST="simpul.example", headers={"X-Forwarded-Proto": "https"})
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
        page = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
        print(json.dumps({
            "url": url,
            "status": response.status_code,
            "cache": response.headers.get("Cache-Control", ""),
            "encoding": response.headers.get("Content-Encoding", ""),
            "page_status": page.status_code,
            "page_encoding": page.headers.get("Content-Encoding", ""),
            "hsts": page.headers.get("Strict-Transport-Security", ""),
        }))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], env=_production_env(tmp_path),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["url"] != "/static/simpul/simpul.css"  # a hashed name
    assert found["status"] == 200
    assert "max-age=31536000" in found["cache"]
    assert found["encoding"] in ("br", "gzip")
    assert found["page_status"] == 200
    assert found["page_encoding"] == "gzip"
    assert "max-age=31536000" in found["hsts"]


def test_production_password_hasher_is_argon2():
    from simpul import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
