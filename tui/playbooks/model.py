"""Playbook records: what the side panel shows. Plain data, no Textual.

Every fact (a phone, a deadline, a link, a NEVER rule, a step, a tip…) can carry
its own ``cite``: the sources it comes from, and optionally its own status,
check date or note. :func:`trust_of` turns that into a short label to show next
to the fact ("last checked 2026-11", "sources disagree: 30 or 60 days",
"due for re-check (last checked 2025-03)"). Dates are judged against a
``today`` argument, never the wall clock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.playbooks.letters import LetterTemplate

KINDS = ("exchange", "insurer", "government", "billing", "other")
SOURCE_STATUSES = ("ok", "secondary", "weak", "stale", "conflict", "unverified")
"""How far to trust a source (``unverified`` is new in schema version 2)."""
FACT_STATUSES = (*SOURCE_STATUSES, "advice")
"""A fact may also be ``advice``: advocates' or the authors' advice, not an official rule."""
PLAYBOOK_SCHEMA_VERSION = 2
"""The newest playbook format this app reads. Version 1 files still load."""

RECHECK_AFTER_DAYS = 365
"""A fact whose last check is older than this is "due for re-check"."""
OLD_SOURCE_DAYS = 3 * 365
"""A source published longer ago than this gets its year shown next to the fact."""

STATUS_WARNINGS = {
    "weak": "unverified (weak source)",
    "unverified": "unverified",
    "stale": "may be out of date",
    "conflict": "sources disagree",
}
"""The warning shown for each flagged status (``ok`` and ``secondary`` are not flagged)."""

_PUBLISHED = re.compile(r"(?:about )?([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_RANK = {"ok": 0, "secondary": 1, "stale": 2, "weak": 3, "unverified": 4}


def parse_published(text: str) -> dt.date | None:
    """The first day of a ``published`` value (``2015``, ``2015-09``, ``about 2021``…).

    ``unknown``, an empty string or anything malformed gives None.
    """
    match = _PUBLISHED.fullmatch(text)
    if not match or not text.isascii():
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_day(text: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date in ASCII digits, or None."""
    if not (len(text) == 10 and text.isascii() and text[4] == "-" and text[7] == "-"):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@dataclass
class PlaybookProblem:
    """Something wrong with a playbook file.

    Shown as ``path:line:column: message``, or ``path: message`` when no
    position applies (``line`` is 0: a special file, a size limit, an unreadable file).
    """

    path: Path
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass
class Source:
    """Where facts come from.

    Schema 1 had only ``date`` (a page's date or the day the notes were
    written, mixed). Schema 2 has ``id`` (what facts cite), ``published`` (the
    page's own date as written: ``2024-10-28``, ``2015-09``, ``about 2021`` or
    ``unknown``) and ``checked`` (``YYYY-MM-DD``, the day the facts were last
    verified against it). For schema 2 sources ``date`` repeats ``published``
    (``undated`` when unknown) so older readers still show something true.
    """

    title: str
    url: str = ""
    date: str = ""
    status: str = "ok"
    id: str = ""
    published: str = ""
    checked: str = ""
    note: str = ""

    @property
    def published_date(self) -> dt.date | None:
        return parse_published(self.published) or parse_day(self.date)

    @property
    def checked_date(self) -> dt.date | None:
        return parse_day(self.checked)

    @property
    def published_label(self) -> str:
        """``2015 page``, ``about 2021 page`` or ``undated page``."""
        shown = self.published if parse_published(self.published) else ""
        if not shown and not self.published and parse_day(self.date):
            shown = self.date
        if not shown:
            return "undated page"
        about = shown.startswith("about ")
        year = shown.removeprefix("about ")[:4]
        return f"{'about ' if about else ''}{year} page"


@dataclass
class Cite:
    """What a fact rests on: its sources and any per-fact overrides."""

    sources: tuple[Source, ...] = ()
    status: str = ""
    """Overrides the status worked out from the sources (e.g. ``conflict``, ``advice``)."""
    checked: str = ""
    """Overrides the sources' check date (``YYYY-MM-DD``) for this fact."""
    disagree: str = ""
    """What the sources say when they disagree, e.g. ``30, 35 or 60 days``."""
    note: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(source.id for source in self.sources)


class CitedText(str):
    """A piece of playbook text that may carry a :class:`Cite`.

    It *is* the text (a ``str``), so everything that shows or compares
    playbook text keeps working; ``.cite`` is None when nothing is cited.
    """

    cite: Cite | None

    def __new__(cls, text: str, cite: Cite | None = None) -> CitedText:
        made = super().__new__(cls, text)
        made.cite = cite
        return made

    def __reduce__(self) -> tuple[type[CitedText], tuple[str, Cite | None]]:
        return (CitedText, (str(self), self.cite))


@dataclass
class Phone:
    label: str
    number: str
    hours: str = ""
    tty: str = ""
    menu: list[str] = field(default_factory=list)
    cite: Cite | None = None
    """Where the number (and, unless they cite their own, hours, TTY and menu) comes from."""


@dataclass
class Step:
    title: str
    say: str = ""
    tips: list[str] = field(default_factory=list)
    cite: Cite | None = None
    """Where the step's key claim comes from (tips may cite their own)."""


@dataclass
class Deadline:
    name: str
    days: int
    from_: str = ""
    source: str = ""
    """Schema 1: free text. Schema 2: the titles of the cited sources."""
    cite: Cite | None = None


@dataclass
class Link:
    """A page to open: a complaint form, an official page."""

    label: str
    url: str
    cite: Cite | None = None


@dataclass(frozen=True)
class Trust:
    """How far to trust one fact, for display right next to it."""

    status: str
    """The effective status: one of FACT_STATUSES, ``unsourced`` (a phone,
    deadline or link with no source), or ``""`` (plain text that cites nothing)."""
    label: str
    """Short text to show next to the fact; empty when there is nothing to say."""
    level: str
    """``warn`` (show as a warning), ``note`` (worth a glance), ``ok``, or ``""``."""
    kind: str = ""
    """Which label was chosen, for styling: ``ok``, ``secondary``, ``old`` (an old
    page, still checked), ``advice``, ``conflict``, ``unverified``, ``weak``,
    ``stale``, ``due`` (check too old), ``unchecked``, ``unsourced``, or ``""``."""
    sources: tuple[Source, ...] = ()
    checked: dt.date | None = None
    published: str = ""
    due: bool = False
    """The last check is older than RECHECK_AFTER_DAYS."""
    disagree: str = ""
    note: str = ""

    @property
    def flagged(self) -> bool:
        return self.level == "warn"


NEEDS_SOURCE = (Phone, Deadline, Link)
"""Facts that are never shown without a trust label (``no source linked`` if need be)."""

Fact = Phone | Step | Deadline | Link | CitedText


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _weigh(cite: Cite) -> tuple[str, Source | None, dt.date | None]:
    """The effective status, the source that decides it, and the check date."""
    sources = cite.sources
    ranked = sorted(
        sources,
        key=lambda s: (_RANK.get(s.status, 9), -(s.checked_date or dt.date.min).toordinal()),
    )
    best = ranked[0] if ranked else None
    if cite.status:
        status = cite.status
    elif cite.disagree or any(s.status == "conflict" for s in sources):
        status = "conflict"
    elif best is not None:
        status = best.status
    else:
        status = "unverified"
    checks = [d for d in (s.checked_date for s in sources) if d is not None]
    checked = (parse_day(cite.checked)
               or (best.checked_date if best is not None else None)
               or (max(checks) if checks else None))
    return status, best, checked


def trust_of(fact: object, today: dt.date) -> Trust:
    """The trust label of one fact, judged on ``today``.

    ``fact`` is a Phone, Step, Deadline, Link, a CitedText (an item of
    ``never``, ``tips``, ``before_you_call``, ``cannot_help_with``, a phone's
    ``hours``, ``tty`` or ``menu`` item), a Cite, or anything else (plain text:
    no label).
    """
    cite = fact if isinstance(fact, Cite) else getattr(fact, "cite", None)
    if not isinstance(cite, Cite):
        if isinstance(fact, NEEDS_SOURCE):
            return Trust("unsourced", "no source linked", "warn", "unsourced")
        return Trust("", "", "")
    status, best, checked = _weigh(cite)
    published = best.published_label if best is not None else ""
    due = checked is not None and (today - checked).days > RECHECK_AFTER_DAYS

    def made(label: str, level: str, kind: str) -> Trust:
        return Trust(status, label, level, kind, cite.sources, checked, published, due,
                     cite.disagree, cite.note)

    if status == "conflict":
        return made(f"sources disagree: {cite.disagree}" if cite.disagree
                    else "sources disagree", "warn", "conflict")
    if status == "advice":
        return made("advice, not an official rule", "note", "advice")
    if status in ("weak", "unverified"):
        return made(STATUS_WARNINGS[status], "warn", status)
    if status == "stale":
        return made(f"may be out of date ({published or 'undated page'})", "warn", "stale")
    if checked is None:
        return made("never checked", "warn", "unchecked")
    if due:
        return made(f"due for re-check (last checked {_month(checked)})", "warn", "due")
    parts: list[str] = []
    published_on = best.published_date if best is not None else None
    old = published_on is not None and (today - published_on).days > OLD_SOURCE_DAYS
    if old:
        parts.append(published)
    if status == "secondary":
        parts.append("secondary")
    parts.append(f"last checked {_month(checked)}")
    return made(", ".join(parts), "note" if old else "ok",
                "old" if old else ("secondary" if status == "secondary" else "ok"))


@dataclass
class Playbook:
    id: str
    name: str
    kind: str = "other"
    phones: list[Phone] = field(default_factory=list)
    before_you_call: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    never: list[str] = field(default_factory=list)
    escalate_to: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    extends: str = ""
    schema_version: int = PLAYBOOK_SCHEMA_VERSION
    source_path: Path | None = None
    origin: str = "shipped"
    """Where it came from: ``shipped``, ``user`` or ``--playbooks``."""
    links: list[Link] = field(default_factory=list)
    """Pages to open (complaint forms, official pages), each with its source."""
    cannot_help_with: list[str] = field(default_factory=list)
    """What this office cannot take (so nobody waits on it for that)."""
    letters: list[LetterTemplate] = field(default_factory=list)
    """Letters to this organisation, filled from a case (its own, not its parent's)."""

    @property
    def main_number(self) -> str:
        return self.phones[0].number if self.phones else ""

    def facts(self) -> Iterator[tuple[str, Fact]]:
        """Every fact that can carry a trust label, with what it is
        (``phone``, ``hours``, ``tty``, ``menu``, ``have ready``, ``step``,
        ``tip``, ``never``, ``deadline``, ``link``, ``cannot``)."""
        for phone in self.phones:
            yield "phone", phone
            for what, value in (("hours", phone.hours), ("tty", phone.tty)):
                if isinstance(value, CitedText):
                    yield what, value
            for choice in phone.menu:
                if isinstance(choice, CitedText):
                    yield "menu", choice
        for item in self.before_you_call:
            if isinstance(item, CitedText):
                yield "have ready", item
        for step in self.steps:
            yield "step", step
            for tip in step.tips:
                if isinstance(tip, CitedText):
                    yield "tip", tip
        for rule in self.never:
            if isinstance(rule, CitedText):
                yield "never", rule
        for deadline in self.deadlines:
            yield "deadline", deadline
        for link in self.links:
            yield "link", link
        for item in self.cannot_help_with:
            if isinstance(item, CitedText):
                yield "cannot", item

    def trust(self, fact: object, today: dt.date) -> Trust:
        """The trust label of one of this playbook's facts (see :func:`trust_of`)."""
        return trust_of(fact, today)

    def checked_range(self) -> tuple[dt.date, dt.date] | None:
        """The oldest and newest check dates over every cited fact, or None."""
        days = [
            checked
            for _, fact in self.facts()
            if isinstance(cite := getattr(fact, "cite", None), Cite)
            and (checked := _weigh(cite)[2]) is not None
        ]
        return (min(days), max(days)) if days else None

    def trust_summary(self, today: dt.date) -> str:
        """One line for the whole playbook, e.g.
        ``Facts last checked 2026-11; 3 flagged`` or
        ``Facts last checked 2025-03 … 2026-11; 2 due for re-check; 5 flagged``."""
        trusts = [trust_of(fact, today) for _, fact in self.facts()]
        span = self.checked_range()
        if span is None:
            line = "No fact here is linked to a dated check"
        else:
            oldest, newest = (_month(day) for day in span)
            line = f"Facts last checked {oldest}" + (f" … {newest}" if newest != oldest else "")
        due = sum(1 for t in trusts if t.due)
        flagged = sum(1 for t in trusts if t.flagged)
        if due:
            line += f"; {due} due for re-check"
        if flagged:
            line += f"; {flagged} flagged"
        return line
