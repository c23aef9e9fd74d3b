"""Every setting is defined once, in settings.py, and every variable an operator may set is in .env.example.

The scans read the code's syntax tree (not text patterns): a read of `settings.X` or `getattr(settings, "X")`
anywhere in src/ must meet a setting that settings.py always defines (or one of Django's own defaults), whatever
the environment; and the variables settings.py reads from the environment are the ones .env.example lists.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import global_settings

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "simpul"
SETTINGS_FILE = SRC / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"
# Modules that are the settings, whatever name a file imports them under.
SETTINGS_MODULES = {("django.conf", "settings"), ("simpul", "settings")}


def _settings_names(tree: ast.Module) -> set[str]:
    """The names a module binds to the settings: `from django.conf import settings [as x]`, and `settings`
    itself (also the name of pytest-django's fixture)."""
    names = {"settings"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (node.module or "", alias.name) in SETTINGS_MODULES:
                    names.add(alias.asname or alias.name)
    return names


def _reads(path: Path) -> list[tuple[str, int, str, bool]]:
    """(setting, line, how, has_default) for every read of a setting in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = _settings_names(tree)
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)
                and isinstance(node.value, ast.Name) and node.value.id in names and node.attr.isupper()):
            found.append((node.attr, node.lineno, f"{node.value.id}.{node.attr}", False))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id in names
              and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
            found.append((node.args[1].value, node.lineno, f'getattr({node.args[0].id}, "{node.args[1].value}")',
                          len(node.args) > 2))
    return found


def _all_reads() -> list[tuple[str, str, bool]]:
    """(setting, where, has_default) over every Python file of src/ but settings.py itself."""
    reads = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SETTINGS_FILE:
            continue
        for name, line, how, has_default in _reads(path):
            reads.append((name, f"{path.relative_to(ROOT)}:{line} {how}", has_default))
    return reads


def _always_assigned(statements: list[ast.stmt]) -> set[str]:
    """Upper-case names these statements assign whichever way their `if`s go."""
    assigned: set[str] = set()
    for node in statements:
        if isinstance(node, ast.If):
            assigned |= _always_assigned(node.body) & _always_assigned(node.orelse)
            continue
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else [])
        for target in targets:
            assigned |= {leaf.id for leaf in ast.walk(target) if isinstance(leaf, ast.Name) and leaf.id.isupper()}
    return assigned


def _defined_in_settings_py() -> set[str]:
    """Settings that settings.py defines in every environment (an `if` defines only what all its branches do)."""
    return _always_assigned(ast.parse(SETTINGS_FILE.read_text(encoding="utf-8")).body)


def _env_reads_in_settings_py() -> set[str]:
    """Environment variables settings.py reads: `env("X")`, `env.str("X", ...)`, `env.int(...)`..."""
    tree = ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))
    read = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        is_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env")
        first = node.args[0]
        if is_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            read.add(first.value)
    return read


def _env_reads_elsewhere() -> set[str]:
    """Variables read with os.environ / os.getenv outside settings.py (`simpul run`, `simpul probe`...)."""
    read = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            key = None
            if isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Attribute):
                func = node.func
                if func.attr == "getenv" or (func.attr == "get" and isinstance(func.value, ast.Attribute)
                                             and func.value.attr == "environ"):
                    key = node.args[0]
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
                    and node.value.attr == "environ":
                key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                read.add(key.value)
    return read


def _documented() -> set[str]:
    return set(re.findall(r"(?m)^#?\s?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8")))


def test_the_scan_finds_both_kinds_of_read(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from django.conf import settings as conf\n"
        "a = conf.SIMPUL_KABUPATEN_CODE\n"
        "b = getattr(conf, 'NOT_A_SETTING', 1)\n"
        "conf.configure()\n",
        encoding="utf-8",
    )
    assert [(name, line, has_default) for name, line, _how, has_default in _reads(sample)] == [
        ("SIMPUL_KABUPATEN_CODE", 2, False), ("NOT_A_SETTING", 3, True)]


def test_every_setting_read_in_src_is_defined_in_settings_py() -> None:
    reads = _all_reads()
    assert any(name == "SIMPUL_KABUPATEN_CODE" for name, _where, _default in reads)
    defined = _defined_in_settings_py() | {name for name in dir(global_settings) if name.isupper()}
    undefined = sorted(where for name, where, _default in reads if name not in defined)
    assert undefined == [], "define these in settings.py (from the environment if an operator may set them)"


def test_no_setting_is_read_with_a_default_of_its_own() -> None:
    """The default of a setting lives in settings.py only: a getattr fallback would hide a missing setting and
    give it a second default that can drift from the first."""
    with_default = sorted(where for _name, where, has_default in _all_reads() if has_default)
    assert with_default == [], "read these as settings.X; put the default in settings.py"


def test_every_variable_settings_py_reads_is_documented_in_env_example() -> None:
    read = _env_reads_in_settings_py()
    assert {"SIMPUL_SECRET_KEY", "DATABASE_URL", "SIMPUL_REFERENCE_PREFIX"} <= read
    assert sorted(read - _documented()) == [], "add these to .env.example with a comment"


def test_every_variable_is_listed_once_in_env_example() -> None:
    listed = re.findall(r"(?m)^#?\s?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"))
    assert sorted({name for name in listed if listed.count(name) > 1}) == []


def test_every_variable_in_env_example_is_read_somewhere() -> None:
    stale = _documented() - _env_reads_in_settings_py() - _env_reads_elsewhere()
    assert sorted(stale) == [], "remove these from .env.example, or read them"


def test_readme_configuration_names_only_documented_variables() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`((?:SIMPUL|DATABASE)_[A-Z0-9_]*)", section))
    assert "SIMPUL_KABUPATEN_CODE" in named
    assert sorted(named - _documented()) == []
