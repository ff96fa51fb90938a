"""The import contracts in pyproject.toml: they hold, and they catch an import the wrong way."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=root, env=env, capture_output=True, text=True
    )


def test_imports_go_one_way():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("pricing/regions.py", "from estimates.web import forms"),
        ("prices/changes.py", "from estimates.importers import terraform"),
        ("importers/base.py", "from estimates import models"),
        ("importers/terraform/plan.py", "from django.db import transaction"),
    ],
)
def test_an_upward_import_breaks_a_contract(tmp_path, module, upward):
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(
        ROOT / "estimates", tmp_path / "estimates", ignore=shutil.ignore_patterns("__pycache__")
    )
    target = tmp_path / "estimates" / module
    target.write_text(target.read_text() + f"\n{upward}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert f"estimates.{module.removesuffix('.py').replace('/', '.')}" in result.stdout
