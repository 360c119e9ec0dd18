"""A playbook as readable plain text (``playbooks show`` and the preview)."""

from __future__ import annotations

from tui.domain.text import visible
from tui.playbooks.model import Playbook


def render_text(playbook: Playbook, names: dict[str, str] | None = None) -> str:
    """Every field, values exactly as written (control characters made visible)."""
    names = names or {}
    v = visible
    lines = [f"{v(playbook.name)}  ({v(playbook.id)}, {v(playbook.kind)})"]
    where = f"{playbook.origin}"
    if playbook.source_path is not None:
        # Shipped files live inside the install; their name is what matters.
        shown = playbook.source_path.name if playbook.origin == "shipped" else playbook.source_path
        where += f": {v(str(shown))}"
    lines.append(f"From {where}")
    if playbook.extends:
        lines.append(f"Extends {v(playbook.extends)}")

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.append("")
            lines.append(title)
            lines.extend(items)

    phones: list[str] = []
    for phone in playbook.phones:
        phones.append(f"  {v(phone.number)}  {v(phone.label)}")
        if phone.hours:
            phones.append(f"      Hours: {v(phone.hours)}")
        if phone.tty:
            phones.append(f"      TTY: {v(phone.tty)}")
        if phone.menu:
            phones.append("      Menu: " + " › ".join(v(choice) for choice in phone.menu))
    section("Phones", phones)
    section("Never agree to", [f"  ✗ {v(item)}" for item in playbook.never])
    section("Have ready", [f"  • {v(item)}" for item in playbook.before_you_call])
    steps: list[str] = []
    for number, step in enumerate(playbook.steps, start=1):
        steps.append(f"  {number}. {v(step.title)}")
        if step.say:
            steps.append(f"     Say: “{v(step.say)}”")
        steps.extend(f"     · {v(tip)}" for tip in step.tips)
    section("Steps", steps)
    section(
        "Escalate to",
        [f"  ↗ {v(names.get(target, target))} ({v(target)})" for target in playbook.escalate_to],
    )
    deadlines = []
    for deadline in playbook.deadlines:
        start = f" from {v(deadline.from_)}" if deadline.from_ else ""
        source = f" [{v(deadline.source)}]" if deadline.source else ""
        deadlines.append(f"  ▸ {v(deadline.name)}: {deadline.days} days{start}{source}")
    if deadlines:
        deadlines.append("  Check the date on your notice: the clock runs from it.")
    section("Deadlines", deadlines)
    section(
        "Sources",
        [
            f"  [{source.status}] {v(source.title)} ({v(source.date)})"
            + (f" {v(source.url)}" if source.url else "")
            for source in playbook.sources
        ],
    )
    return "\n".join(lines) + "\n"
