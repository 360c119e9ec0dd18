"""A readable Markdown log of every call, case by case."""

from __future__ import annotations

from tui.domain.model import Call, Case
from tui.domain.timefmt import format_duration, format_elapsed, format_local


def _escape(text: str) -> str:
    """Keep user text literal in Markdown (no accidental emphasis or links)."""
    specials = "\\`*_[]<>|"
    escaped = "".join("\\" + ch if ch in specials else ch for ch in text)
    return " ".join(escaped.splitlines())


def _call_section(call: Call) -> list[str]:
    when = format_local(call.started_at, "YYYY-MM-DD HH:mm ZZ")
    lines = [f"### {when} — {_escape(call.organisation)}", ""]
    if call.number_dialled:
        lines.append(f"- Number dialled: {_escape(call.number_dialled)}")
    lines.append(f"- Duration: {format_duration(call.duration_seconds)}")
    lines.append(
        f"- Time on hold: {format_duration(call.hold_seconds())}"
        f" ({len(call.hold_segments)} hold segment{'s' if len(call.hold_segments) != 1 else ''})"
    )
    lines.append(f"- Time talking: {format_duration(call.talk_seconds())}")
    outcome = call.outcome or ("in progress" if call.is_live else "not recorded")
    lines.append(f"- Outcome: {_escape(outcome)}")
    if call.summary:
        lines.append(f"- Summary: {_escape(call.summary)}")
    if call.playbooks_used:
        names = ", ".join(_escape(p.name) for p in call.playbooks_used)
        lines.append(f"- Playbooks used: {names}")
    lines.append("")
    lines.append("**Representatives**")
    lines.append("")
    for number, rep in enumerate(call.reps, start=1):
        joined = format_elapsed(rep.joined_elapsed)
        lines.append(f"{number}. {_escape(rep.label())} — on the line from {joined}")
    if not call.reps:
        lines.append("- none recorded")
    lines.append("")
    lines.append("**Notes**")
    lines.append("")
    if call.notes:
        for note in call.notes:
            stamp = f"{format_elapsed(note.elapsed)} · {format_local(note.at, 'HH:mm:ss')}"
            lines.append(f"- `{stamp}` {_escape(note.text)}")
    else:
        lines.append("- none")
    lines.append("")
    lines.append("**Reference numbers**")
    lines.append("")
    if call.references:
        for ref in call.references:
            lines.append(f"- {_escape(ref.number)} (at {format_elapsed(ref.elapsed)})")
    else:
        lines.append("- none given")
    lines.append("")
    lines.append("**Promises**")
    lines.append("")
    if call.promises:
        for promise in call.promises:
            due = f" — due {promise.due}" if promise.due else " — no date given"
            done = " (done)" if promise.done else ""
            lines.append(f"- {_escape(promise.text)}{due}{done}")
    else:
        lines.append("- none")
    lines.append("")
    return lines


def export_markdown(cases: list[Case], calls: list[Call], exported_at: str) -> str:
    """Cases in creation order, each with its calls in the order they were made."""
    lines = ["# Hold the Line — call log", "", f"Exported {format_local(exported_at)}.", ""]
    by_case: dict[str, list[Call]] = {}
    for call in calls:
        by_case.setdefault(call.case_id, []).append(call)
    if not cases:
        lines.append("No cases yet.")
        lines.append("")
    for case in sorted(cases, key=lambda c: c.created_at):
        case_calls = sorted(by_case.get(case.id, []), key=lambda c: c.started_at)
        total_hold = sum(call.hold_seconds() for call in case_calls)
        lines.append(f"## {_escape(case.title)}")
        lines.append("")
        lines.append(f"- Status: {case.status}")
        lines.append(f"- Opened: {format_local(case.created_at)}")
        lines.append(
            f"- Calls: {len(case_calls)}; time on hold in all: {format_duration(total_hold)}"
        )
        for key, value in case.identifiers.items():
            lines.append(f"- {_escape(key)}: {_escape(value)}")
        lines.append("")
        for call in case_calls:
            lines.extend(_call_section(call))
    return "\n".join(lines).rstrip("\n") + "\n"
