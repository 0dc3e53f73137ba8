#!/usr/bin/env python
"""Fill the zh_Hant catalogue from JSON files of {msgid: msgstr} and compile it.

    .venv/bin/python scripts/po_fill.py translations.json [more.json ...]

For plural entries give a list [singular, plural] as the msgstr (Chinese uses one
form, msgstr[0]). Entries are matched on msgid (and msgctxt "ctx\\x04msgid" if
set). Fuzzy flags on filled entries are removed. Prints what is still untranslated.
"""

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"


def main(paths: list[str]) -> int:
    translations = {}
    for path in paths:
        translations.update(json.loads(Path(path).read_text()))
    catalogue = polib.pofile(str(PO), wrapwidth=0)
    for entry in catalogue:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if key not in translations:
            continue
        value = translations[key]
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value[0] if isinstance(value, list) else value}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.metadata["Language"] = "zh_Hant"
    catalogue.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    catalogue.save(str(PO))
    catalogue.save_as_mofile(str(PO.with_suffix(".mo")))
    missing = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    for msgid in missing:
        print("UNTRANSLATED:", json.dumps(msgid, ensure_ascii=False))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
