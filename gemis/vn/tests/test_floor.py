"""The Vietnamese floor stands on its own: no module under ``gemis/vn`` imports Django or an app.

Each module is imported in a fresh interpreter without Django settings, so an import that
slipped in (even one made inside the package's ``__init__``) shows up here, not in production.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import gemis.vn

ROOT = Path(__file__).resolve().parents[3]
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(gemis.vn.__path__, "gemis.vn.")
    if ".tests" not in m.name and not m.name.endswith(".tests")
)

CHECK = """
import importlib, sys
importlib.import_module({module!r})
outside = sorted(
    name for name in sys.modules
    if name == "django" or name.startswith("django.")
    or (name.startswith("gemis.") and not name.startswith("gemis.vn") )
)
assert not outside, outside
"""


def test_the_floor_has_its_modules():
    # A walk that finds nothing would make the test below pass for nothing.
    for expected in (
        "gemis.vn.text",
        "gemis.vn.deadlines.parse",
        "gemis.vn.agency_names",
        "gemis.vn.parser.core",
    ):
        assert expected in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_neither_django_nor_an_app(module):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}  # no DJANGO_SETTINGS_MODULE
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(module=module)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
