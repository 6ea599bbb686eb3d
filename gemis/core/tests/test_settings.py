"""Settings come from the environment; production mode passes ``check --deploy``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[3]


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GEMIS_", "DATABASE_URL", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "gemis.cli", *args],
        cwd=PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        GEMIS_ENV="production",
        GEMIS_SECRET_KEY="k" * 20 + "9f8e7d6c5b4a3-LONG-random-" + "z" * 30,
        GEMIS_ALLOWED_HOSTS="gemis.example.gov.vn",
        GEMIS_VAR_DIR=str(tmp_path),
        GEMIS_STATIC_ROOT=str(tmp_path / "static"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run(["check"], GEMIS_ENV="production", GEMIS_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "GEMIS_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("", "django.db.backends.sqlite3"),
        ("postgres://gemis@db.example:5432/gemis", "django.db.backends.postgresql"),
    ],
)
def test_database_url_picks_the_database(tmp_path, url, engine):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GEMIS_", "DATABASE_URL"))}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "gemis.settings", "GEMIS_VAR_DIR": str(tmp_path)}
    if url:
        env["DATABASE_URL"] = url
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=PROJECT
    )
    assert result.stdout.strip() == engine, result.stderr


def test_defaults_are_vietnamese_and_hanoi_time():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


def test_sqlite_default_lives_in_var(tmp_path):
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GEMIS_", "DATABASE_URL"))}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "gemis.settings", "GEMIS_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=PROJECT
    )
    assert result.stdout.strip() == str(tmp_path / "gemis.sqlite3")


def test_dates_are_typed_and_shown_day_first():
    import datetime as dt

    from django import forms

    from gemis.core.forms import DayMonthYearInput

    class Form(forms.Form):
        day = forms.DateField(widget=DayMonthYearInput())

    html = str(Form(initial={"day": dt.date(2026, 3, 9)})["day"])
    assert 'value="09/03/2026"' in html and 'type="text"' in html and 'placeholder="dd/mm/yyyy"' in html
    for typed in ("9/3/2026", "09/03/2026", "9-3-2026", "2026-03-09"):
        form = Form({"day": typed})
        assert form.is_valid(), typed
        assert form.cleaned_data["day"] == dt.date(2026, 3, 9)
    assert not Form({"day": "3/31/2026"}).is_valid()  # month/day is refused, not guessed
