"""Trust at each fact (issue 13 point 2): per-fact sources, dates and labels.

Labels are judged against a ``today`` argument, so every test here fixes its day.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from pathlib import Path

import pytest

from tui.playbooks import (
    RECHECK_AFTER_DAYS,
    Cite,
    CitedText,
    Deadline,
    Link,
    Phone,
    Playbook,
    Source,
    Step,
    load_file,
    load_playbooks,
    trust_of,
)
from tui.playbooks.render import render_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "playbooks"
EXAMPLE = FIXTURES / "trust" / "trust-example.yaml"
GOOD = FIXTURES / "good"
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def example() -> Playbook:
    playbook, problems, _ = load_file(EXAMPLE)
    assert [str(p) for p in problems] == []
    assert playbook is not None
    return playbook


def labels(playbook: Playbook, today: dt.date = TODAY) -> dict[str, tuple[str, str, str]]:
    """For each fact, by its text: (label, level, kind)."""
    found: dict[str, tuple[str, str, str]] = {}
    for _, fact in playbook.facts():
        trust = playbook.trust(fact, today)
        if isinstance(fact, Phone):
            text = fact.number
        elif isinstance(fact, Deadline):
            text = fact.name
        elif isinstance(fact, Step):
            text = fact.title
        elif isinstance(fact, Link):
            text = fact.label
        else:
            text = str(fact)
        found[text] = (trust.label, trust.level, trust.kind)
    return found


def test_every_kind_of_label(example: Playbook) -> None:
    got = labels(example)
    assert got["1-555-0100"] == ("last checked 2026-11", "ok", "ok")
    assert got["Mon-Fri 9-5"] == ("may be out of date (2015 page)", "warn", "stale")
    assert got["1-555-0199"] == ("unverified", "warn", "unverified")
    # Two sources, one stale: the better one decides.
    assert got["1-555-0101"] == ("last checked 2026-11", "ok", "ok")
    assert got["1-555-0102"] == ("about 2015 page, last checked 2026-11", "note", "old")
    assert got["1-555-0103"] == ("never checked", "warn", "unchecked")
    assert got["The 9-digit account number (starts with 7)"][0] == "last checked 2026-11"
    assert got["Ask for the appeals team"] == ("secondary, last checked 2026-11", "ok",
                                               "secondary")
    assert got["Appeals answer within 30 days."] == (
        "due for re-check (last checked 2025-03)", "warn", "due")
    assert got["Agree to a 'retro request' instead of a correction"] == (
        "advice, not an official rule", "note", "advice")
    assert got["Appeal (check the date on your notice)"] == (
        "sources disagree: 30 or 60 days", "warn", "conflict")
    assert got["Complaint window"] == ("unverified (weak source)", "warn", "weak")
    assert got["Complaint form"][0] == "last checked 2026-11"
    assert got["Disputes about another company's bill"][0] == "last checked 2026-11"


def test_uncited_text_has_no_label_but_a_phone_always_has_one(example: Playbook) -> None:
    tty = example.phones[0].tty
    assert tty == "711" and isinstance(tty, CitedText) and tty.cite is None
    assert example.trust(tty, TODAY).label == ""
    assert example.trust("Stay polite.", TODAY).label == ""
    for fact in (Phone("a", "1"), Deadline("d", 3), Link("l", "https://example.org/x")):
        trust = trust_of(fact, TODAY)
        assert (trust.label, trust.flagged, trust.kind) == ("no source linked", True,
                                                            "unsourced")
    assert trust_of(Step("t"), TODAY).label == ""


def test_recheck_threshold_is_judged_on_today_only() -> None:
    checked = dt.date(2026, 1, 15)
    source = Source("t", id="s", published="2026", checked=checked.isoformat())
    phone = Phone("a", "1", cite=Cite((source,)))
    on_limit = checked + dt.timedelta(days=RECHECK_AFTER_DAYS)
    assert trust_of(phone, on_limit).label == "last checked 2026-01"
    assert trust_of(phone, on_limit + dt.timedelta(days=1)).label == (
        "due for re-check (last checked 2026-01)")
    assert trust_of(phone, on_limit + dt.timedelta(days=1)).due
    # Same fact, same object: only the ``today`` argument changed.
    assert not trust_of(phone, on_limit).due


def test_old_pages_are_marked_by_age_not_forever_ok() -> None:
    source = Source("Guide", id="g", published="2015-09", checked="2026-11-30", status="ok")
    phone = Phone("a", "1", cite=Cite((source,)))
    assert trust_of(phone, dt.date(2016, 1, 1)).label == "last checked 2026-11"
    old = trust_of(phone, TODAY)
    assert (old.label, old.level, old.kind) == ("2015 page, last checked 2026-11", "note", "old")


def test_fact_overrides_beat_the_source() -> None:
    source = Source("Page", id="p", published="unknown", checked="2026-11-30", status="ok")
    assert trust_of(Cite((source,), status="stale"), TODAY).label == (
        "may be out of date (undated page)")
    assert trust_of(Cite((source,), checked="2024-01-02"), TODAY).label == (
        "due for re-check (last checked 2024-01)")
    assert trust_of(Cite((source,), disagree="4 months or 60 days"), TODAY).label == (
        "sources disagree: 4 months or 60 days")
    conflicting = Source("Other", id="o", checked="2026-11-30", status="conflict")
    assert trust_of(Cite((source, conflicting)), TODAY).label == "sources disagree"


def test_playbook_wide_summary(example: Playbook) -> None:
    assert example.checked_range() == (dt.date(2025, 3, 10), dt.date(2026, 11, 30))
    assert example.trust_summary(TODAY) == (
        "Facts last checked 2025-03 … 2026-11; 1 due for re-check; 6 flagged")
    later = TODAY + dt.timedelta(days=400)
    assert "due for re-check" in example.trust_summary(later)
    assert example.trust_summary(later) == (
        "Facts last checked 2025-03 … 2026-11; 13 due for re-check; 14 flagged")


def test_summary_of_a_schema_1_playbook() -> None:
    found, problems = load_playbooks([GOOD])
    assert problems == []
    acme = found["acme-insurer"]
    assert acme.schema_version == 1 and acme.checked_range() is None
    assert acme.trust_summary(TODAY) == (
        "No fact here is linked to a dated check; 2 flagged")  # its phone and its deadline
    assert [acme.trust(p, TODAY).label for p in acme.phones] == ["no source linked"]
    # Old text fields stay plain strings in schema 1.
    assert type(acme.never[0]) is str


def test_schema_2_keeps_the_old_attributes(example: Playbook) -> None:
    deadline = example.deadlines[0]
    assert deadline.source == ("Example member handbook 2026 (fictional); "
                               "A blog post (fictional)")
    assert deadline.cite is not None and deadline.cite.ids == ("handbook-2026", "weak-blog")
    by_id = {source.id: source for source in example.sources}
    assert by_id["handbook-2026"].date == "2026-01-05"
    assert by_id["advocate-guide"].date == "undated"
    assert by_id["advocate-guide"].published == "unknown"
    assert example.never[1] == "Pay by card: cards are not accepted"
    assert "cards" in example.never[1] and example.never[1].startswith("Pay")
    assert example.main_number == "1-555-0100"


def test_cited_text_is_a_string_that_survives_copies() -> None:
    cite = Cite((Source("t", id="s", checked="2026-11-30"),), note="n")
    text = CitedText("Pay by card", cite)
    assert text == "Pay by card" and hash(text) == hash("Pay by card")
    for clone in (copy.deepcopy(text), pickle.loads(pickle.dumps(text)), copy.copy(text)):
        assert clone == text and isinstance(clone, CitedText) and clone.cite == cite


def test_extends_keeps_each_facts_own_sources(tmp_path: Path) -> None:
    child = tmp_path / "child.yaml"
    child.write_text(
        "schema_version: 2\nid: child\nname: Child\nkind: other\nextends: trust-example\n"
        "never:\n  - text: Child rule\n    source: own\n"
        "sources:\n  - id: own\n    title: Child page\n    url: https://example.org/c/1\n"
        "    published: unknown\n    checked: '2026-10-01'\n    status: secondary\n",
        encoding="utf-8")
    found, problems = load_playbooks([EXAMPLE.parent, tmp_path])
    assert [str(p) for p in problems] == []
    merged = found["child"]
    got = labels(merged)
    assert got["Child rule"] == ("secondary, last checked 2026-10", "ok", "secondary")
    assert got["Appeal (check the date on your notice)"][0] == "sources disagree: 30 or 60 days"
    assert got["Complaint form"][0] == "last checked 2026-11"


def test_render_puts_the_label_next_to_each_fact(example: Playbook) -> None:
    text = render_text(example, today=TODAY)
    lines = text.splitlines()
    assert lines[2] == "Facts last checked 2025-03 … 2026-11; 1 due for re-check; 6 flagged"
    for expected in (
        "  1-555-0100  Main line  [last checked 2026-11 · handbook-2026]",
        "      Hours: Mon-Fri 9-5  [⚠ may be out of date (2015 page) · handbook-2015]",
        "      TTY: 711",
        "  1-555-0199  Line a user told us about  [⚠ unverified]",
        "  ✗ Agree to a 'retro request' instead of a correction  "
        "[advice, not an official rule · advocate-guide]",
        "     · Appeals answer within 30 days.  "
        "[⚠ due for re-check (last checked 2025-03) · handbook-2026]",
        "  ▸ Appeal (check the date on your notice): 30 days from the date on the notice  "
        "[⚠ sources disagree: 30 or 60 days · handbook-2026, weak-blog]",
        "  → Complaint form: https://example.org/complaints/form  "
        "[last checked 2026-11 · handbook-2026]",
        "  – Disputes about another company's bill  [last checked 2026-11 · handbook-2026]",
        "Check before relying on (6)",
        "  [conflict] deadline: Appeal (check the date on your notice): "
        "sources disagree: 30 or 60 days",
        "  [unchecked] phone: 1-555-0103 Line nobody has checked: never checked",
        "  [ok] handbook-2026: Example member handbook 2026 (fictional)",
        "      published 2026-01-05 · checked 2026-11-30",
        "      published undated · never checked",
        "      (no page address)",
    ):
        assert expected in lines, expected
    # A year on, the same playbook asks for re-checks: the date is the caller's.
    later = render_text(example, today=dt.date(2028, 1, 1))
    assert "[⚠ due for re-check (last checked 2026-11) · handbook-2026]" in later


def test_render_of_schema_1_is_unchanged_in_substance() -> None:
    found, _ = load_playbooks([GOOD])
    text = render_text(found["acme-insurer"], today=TODAY)
    assert "[ok] " in text and "Sources" in text and "[⚠ no source linked]" in text


def test_docs_trust_labels_match_the_model() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "playbooks.md").read_text("utf-8")
    for label in ("last checked 2026-11", "sources disagree: 30, 35 or 60 days",
                  "due for re-check (last checked 2025-03)", "unverified",
                  "advice, not an official rule", "no source linked", "never checked",
                  "may be out of date", "Facts last checked"):
        assert label in docs, label
    assert f"{RECHECK_AFTER_DAYS} days" in docs
