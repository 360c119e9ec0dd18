"""A playbook as readable plain text (``playbooks show`` and the preview).

Every fact carries its trust label right after it, in brackets:
``[last checked 2026-11 · how-to-pay]``, ``[⚠ sources disagree: 30 or 60 days]``,
``[⚠ due for re-check (last checked 2025-03)]``. Labels are judged on
``today`` (the caller's date; today's date when not given).
"""

from __future__ import annotations

import datetime as dt

from tui.domain.text import visible
from tui.playbooks.model import (
    CitedText,
    Deadline,
    Link,
    Phone,
    Playbook,
    Source,
    Step,
    Trust,
    trust_of,
)

WARN = "⚠ "
EXCERPT = 60
"""How much of a fact the "Check before relying on" list repeats."""


def _tag(trust: Trust) -> str:
    """``  [label · source ids]``, or nothing when there is nothing to say."""
    if not trust.label:
        return ""
    ids = ", ".join(source.id for source in trust.sources if source.id)
    inner = (WARN if trust.flagged else "") + visible(trust.label)
    return f"  [{inner}{' · ' + visible(ids) if ids else ''}]"


def _excerpt(text: str) -> str:
    shown = visible(text)
    return shown if len(shown) <= EXCERPT else shown[: EXCERPT - 1] + "…"


def _fact_text(fact: object) -> str:
    """What a fact says, in a few words: a phone's number, a step's title…"""
    if isinstance(fact, Phone):
        return f"{fact.number} {fact.label}"
    if isinstance(fact, Deadline):
        return fact.name
    if isinstance(fact, Step):
        return fact.title
    if isinstance(fact, Link):
        return fact.label
    return str(fact)


def _source_lines(source: Source) -> list[str]:
    v = visible
    if not source.id:  # schema 1: one line, as before
        return [f"  [{source.status}] {v(source.title)} ({v(source.date)})"
                + (f" {v(source.url)}" if source.url else "")]
    lines = [f"  [{source.status}] {v(source.id)}: {v(source.title)}"]
    published = "undated" if source.published in ("", "unknown") else source.published
    checked = f"checked {v(source.checked)}" if source.checked else "never checked"
    lines.append(f"      published {v(published)} · {checked}")
    lines.append(f"      {v(source.url)}" if source.url else "      (no page address)")
    if source.note:
        lines.append(f"      Note: {v(source.note)}")
    return lines


def render_text(playbook: Playbook, names: dict[str, str] | None = None,
                today: dt.date | None = None) -> str:
    """Every field, values exactly as written (control characters made visible),
    each fact with its trust label as of ``today``."""
    names = names or {}
    today = today or dt.date.today()
    v = visible

    def tag(fact: object) -> str:
        return _tag(trust_of(fact, today))

    lines = [f"{v(playbook.name)}  ({v(playbook.id)}, {v(playbook.kind)})"]
    where = f"{playbook.origin}"
    if playbook.source_path is not None:
        # Shipped files live inside the install; their name is what matters.
        shown = playbook.source_path.name if playbook.origin == "shipped" else playbook.source_path
        where += f": {v(str(shown))}"
    lines.append(f"From {where}")
    if playbook.extends:
        lines.append(f"Extends {v(playbook.extends)}")
    lines.append(playbook.trust_summary(today))

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.append("")
            lines.append(title)
            lines.extend(items)

    phones: list[str] = []
    for phone in playbook.phones:
        phones.append(f"  {v(phone.number)}  {v(phone.label)}{tag(phone)}")
        if phone.hours:
            phones.append(f"      Hours: {v(phone.hours)}{tag(phone.hours)}")
        if phone.tty:
            phones.append(f"      TTY: {v(phone.tty)}{tag(phone.tty)}")
        if phone.menu:
            cited = next((choice for choice in phone.menu if isinstance(choice, CitedText)
                          and choice.cite is not None), None)
            phones.append("      Menu: " + " › ".join(v(choice) for choice in phone.menu)
                          + (tag(cited) if cited is not None else ""))
    section("Phones", phones)
    section("Never agree to", [f"  ✗ {v(item)}{tag(item)}" for item in playbook.never])
    section("Have ready", [f"  • {v(item)}{tag(item)}" for item in playbook.before_you_call])
    steps: list[str] = []
    for number, step in enumerate(playbook.steps, start=1):
        steps.append(f"  {number}. {v(step.title)}{tag(step)}")
        if step.say:
            steps.append(f"     Say: “{v(step.say)}”")
        steps.extend(f"     · {v(tip)}{tag(tip)}" for tip in step.tips)
    section("Steps", steps)
    section("Cannot help with",
            [f"  – {v(item)}{tag(item)}" for item in playbook.cannot_help_with])
    section(
        "Escalate to",
        [f"  ↗ {v(names.get(target, target))} ({v(target)})" for target in playbook.escalate_to],
    )
    deadlines = []
    for deadline in playbook.deadlines:
        start = f" from {v(deadline.from_)}" if deadline.from_ else ""
        if deadline.cite is None and deadline.source:  # schema 1: free text
            label = f" [{v(deadline.source)}]{tag(deadline)}"
        else:
            label = tag(deadline)
        deadlines.append(f"  ▸ {v(deadline.name)}: {deadline.days} days{start}{label}")
    if deadlines:
        deadlines.append("  Check the date on your notice: the clock runs from it.")
    section("Deadlines", deadlines)
    section("Links", [f"  → {v(link.label)}: {v(link.url)}{tag(link)}"
                      for link in playbook.links])
    flagged = [
        f"  [{trust.kind}] {what}: {_excerpt(_fact_text(fact))}: {v(trust.label)}"
        for what, fact in playbook.facts()
        if (trust := trust_of(fact, today)).flagged
    ]
    section(f"Check before relying on ({len(flagged)})", flagged)
    sources: list[str] = []
    for source in playbook.sources:
        sources.extend(_source_lines(source))
    section("Sources", sources)
    return "\n".join(lines) + "\n"
