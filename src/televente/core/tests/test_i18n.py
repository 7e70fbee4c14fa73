"""French is the default and always complete; English is complete too."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_catalogue_is_complete(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(po) > 100
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_english_catalogue_matches_the_translation_source():
    """scripts/translations_en.py is the source of truth (a fuzzy guess once slipped into the .po)."""
    import runpy

    source = runpy.run_path(str(LOCALE.parents[2] / "scripts" / "translations_en.py"))
    po = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    for entry in po:
        if entry.msgid_plural:
            assert tuple(entry.msgstr_plural[i] for i in (0, 1)) == source["PLURALS"][entry.msgid], (
                entry.msgid
            )
        else:
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            assert entry.msgstr == source["EN"][key], key
