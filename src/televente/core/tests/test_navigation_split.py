"""The navigation bar keeps the first entries and puts occasional pages and the overflow under "Plus"."""

from __future__ import annotations

from televente.core.navigation import MAIN_ENTRIES, NavEntry, split_entries


def _entry(n: int, *, secondary: bool = False) -> NavEntry:
    return NavEntry(f"e{n}", f"Entry {n}", f"app:e{n}", n, lambda user: True, secondary=secondary)


def test_secondary_entries_always_go_under_more():
    entries = [_entry(1), _entry(2, secondary=True), _entry(3)]
    main, more = split_entries(entries)
    assert [e.key for e in main] == ["e1", "e3"]
    assert [e.key for e in more] == ["e2"]


def test_overflow_goes_under_more_before_the_secondary_ones():
    entries = [_entry(n) for n in range(MAIN_ENTRIES + 2)] + [_entry(99, secondary=True)]
    main, more = split_entries(entries)
    assert len(main) == MAIN_ENTRIES
    assert [e.key for e in more] == [f"e{MAIN_ENTRIES}", f"e{MAIN_ENTRIES + 1}", "e99"]


def test_the_page_being_shown_stays_in_the_bar():
    entries = [_entry(1), _entry(2, secondary=True)]
    main, more = split_entries(entries, current="app:e2")
    assert [e.key for e in main] == ["e1", "e2"]
    assert more == []


def test_the_page_being_shown_takes_the_last_place_of_a_full_bar():
    entries = [_entry(n) for n in range(MAIN_ENTRIES + 2)]
    current = f"app:e{MAIN_ENTRIES + 1}"
    main, more = split_entries(entries, current=current)
    assert len(main) == MAIN_ENTRIES and main[-1].url_name == current
    assert [e.key for e in more] == [f"e{MAIN_ENTRIES - 1}", f"e{MAIN_ENTRIES}"]
