"""The package carries everything the bot needs, also outside this checkout: every module, the migrations
and every language's catalog. Built offline from a copy of the sources (sdist, then a wheel from it, as
pip does), and installed into a throwaway virtual environment."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import SUPPORTED_LANGUAGES
from tests.command_line import environment
from tests.conftest import SCHEMA_HEAD as HEAD

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "bot", "locales")
CATALOGS = [f"{language}/LC_MESSAGES/buurtbot.po" for language in SUPPORTED_LANGUAGES]
MODULES = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "bot").rglob("*.py"))
OFFLINE = ("--no-index", "--no-deps", "--disable-pip-version-check", "-q")


@dataclass(frozen=True)
class Built:
    sdist: Path
    wheel: Path


def _run(*command: str | Path, cwd: Path) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(map(str, command))}\n{result.stdout}{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The sdist, and the wheel pip builds from it; from a copy, so the checkout gets no build output."""
    sources = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, sources / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, sources / name)
    dist = tmp_path_factory.mktemp("dist")
    build_sdist = "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    sdist = dist / _run(sys.executable, "-c", build_sdist, dist, cwd=sources).strip().splitlines()[-1]
    _run(sys.executable, "-m", "pip", "wheel", *OFFLINE, "--no-build-isolation", "-w", dist, sdist, cwd=dist)
    [wheel] = dist.glob("buurtbot-*.whl")
    return Built(sdist, wheel)


def test_pyproject_lists_every_package_under_bot() -> None:
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    found = {init.parent.relative_to(ROOT).as_posix() for init in ROOT.glob("bot/**/__init__.py")}
    missing = sorted({folder.replace("/", ".") for folder in found} - set(packages))
    assert not missing, f"add {missing} to [tool.setuptools] packages in pyproject.toml"


def test_the_wheel_holds_every_module_migration_and_catalog(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        names = set(wheel.namelist())

    assert [module for module in MODULES if module not in names] == []
    assert "bot/db/migrations/script.py.mako" in names
    assert [f"bot/locales/{catalog}" for catalog in CATALOGS if f"bot/locales/{catalog}" not in names] == []


def test_the_sdist_holds_the_catalogs_where_translators_work_on_them(built: Built) -> None:
    with tarfile.open(built.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}

    assert [f"locales/{catalog}" for catalog in CATALOGS if f"locales/{catalog}" not in names] == []


def a_dutch_translation() -> tuple[str, str]:
    with (ROOT / "locales" / "nl" / "LC_MESSAGES" / "buurtbot.po").open("rb") as source:
        catalog = read_po(source, locale="nl")
    for message in catalog:
        if isinstance(message.id, str) and message.id and message.string and message.string != message.id:
            return message.id, str(message.string)
    raise AssertionError("the Dutch catalog translates nothing")


def test_installed_from_the_wheel_the_bot_speaks_dutch_and_migrates(built: Built, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    where_packages_go = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_packages = Path(_run(python, "-c", where_packages_go, cwd=tmp_path).strip())
    # The dependencies from the test environment, without installing them again (offline, and fast). Its
    # own .pth files are not read from there, so its editable install of this checkout stays out of it.
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site_packages / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    # --ignore-installed: pip must not even look at the test environment's own buurtbot.
    _run(python, "-m", "pip", "install", *OFFLINE, "--ignore-installed", built.wheel, cwd=tmp_path)

    english, dutch = a_dutch_translation()
    check = "import sys, bot, bot.i18n; print(bot.__file__); print(bot.i18n.translator('nl')(sys.argv[1]))"
    where, translated = _run(python, "-I", "-c", check, english, cwd=tmp_path).rstrip("\n").split("\n", 1)

    assert Path(where).is_relative_to(venv), "the test ran the installed bot, not this checkout"
    assert translated == dutch
    database = f"sqlite+aiosqlite:///{tmp_path / 'buurtbot.db'}"
    migrated = subprocess.run(
        [venv / "bin" / "buurtbot", "migrate"],
        cwd=tmp_path,
        env=environment(database_url=database),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout == f"Upgraded the database schema from an empty database to revision {HEAD}.\n"
