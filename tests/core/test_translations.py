"""The Traditional Chinese catalogue is complete, compiled and in step with the code."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
SOURCE_DIRS = ["icms", "accounts", "filing", "payments", "causebook", "templates"]


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def test_no_entry_is_untranslated_or_fuzzy():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_source():
    source = {_key(e): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(PO)) if not e.obsolete}
    compiled = {_key(e): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(MO)) if e.msgid}
    source.pop((None, ""), None)
    assert compiled == source, "run: .venv/bin/python scripts/po_fill.py /dev/null  (or make messages)"


def test_placeholders_survive_translation():
    named = re.compile(r"%\((\w+)\)[sd]")
    for entry in polib.pofile(str(PO)):
        translations = [entry.msgstr, *entry.msgstr_plural.values()]
        for msgstr in filter(None, translations):
            if "python-format" in entry.flags:
                assert set(named.findall(entry.msgid)) == set(named.findall(msgstr)), entry.msgid
                assert entry.msgid.count("%%") == msgstr.count("%%"), entry.msgid
            if "python-brace-format" in entry.flags:
                assert set(re.findall(r"\{(\w*)\}", entry.msgid)) == set(re.findall(r"\{(\w*)\}", msgstr))


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh from a copy of the code, and compare with the catalogue."""
    for name in [*SOURCE_DIRS, "manage.py"]:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
        else:
            shutil.copy(src, tmp_path / name)
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hant", "--no-location", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
        env={
            "DJANGO_SETTINGS_MODULE": "icms.settings.base",
            "DJANGO_READ_DOT_ENV_FILE": "false",
            "SECRET_KEY": "makemessages-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(tmp_path),
        },
    )
    fresh = {_key(e) for e in polib.pofile(str(tmp_path / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"))}
    committed = {_key(e) for e in polib.pofile(str(PO)) if not e.obsolete}
    missing = sorted(m for _, m in fresh - committed)
    assert missing == [], "strings not in the catalogue: run `make messages` and translate them"
