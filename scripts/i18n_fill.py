"""Fill the English catalogue from a Python dict of translations, and mirror French msgids into fr.

Usage: python scripts/i18n_fill.py scripts/translations_en.py   (defines EN = {...} and PLURALS = {...})
Entries with a context are keyed "context\x04msgid". The dictionary is the source of truth: every entry it knows is (re)written, so a translation
never drifts from it; entries it does not know are listed as missing (and the command fails).
"""

import runpy
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "televente" / "locale"


def main() -> int:
    data = runpy.run_path(sys.argv[1]) if len(sys.argv) > 1 else {"EN": {}, "PLURALS": {}}
    en_map, plural_map = data.get("EN", {}), data.get("PLURALS", {})
    en = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    missing = []
    for entry in en:
        if "fuzzy" in entry.flags:
            # makemessages' fuzzy guesses come from another msgid: never keep them.
            entry.msgstr = ""
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if entry.msgid_plural:
            if entry.msgid in plural_map:
                one, many = plural_map[entry.msgid]
                entry.msgstr_plural = {0: one, 1: many}
            if not all(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        else:
            # A msgid with a context (pgettext, {% translate ... context ... %}) is keyed
            # "context\x04msgid", as gettext itself stores it.
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            if key in en_map:
                entry.msgstr = en_map[key]
            elif entry.msgctxt is None and entry.msgid in en_map:
                entry.msgstr = en_map[entry.msgid]
            if not entry.msgstr:
                missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    en.metadata.update({"Language": "en", "Project-Id-Version": "televente"})
    en.metadata_is_fuzzy = False
    en.save()
    fr = polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))
    for entry in fr:
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    fr.metadata.update({"Language": "fr", "Project-Id-Version": "televente"})
    fr.metadata_is_fuzzy = False
    fr.save()
    for msgid in missing:
        print("missing EN:", repr(msgid))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
