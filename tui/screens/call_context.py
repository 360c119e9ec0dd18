"""What the live call shows of the past: a continued call's record so far, the dropped
call a redial follows, and the time on hold with the organisation. Text is data: user
text goes into ``rich.text.Text`` through ``visible``, never into markup."""

from __future__ import annotations

from rich.text import Text

from tui.domain.model import Call, Claim
from tui.domain.text import visible
from tui.domain.timefmt import format_duration, format_elapsed, format_local
from tui.domain.timeline import call_events
from tui.service import DroppedCall, LiveSession
from tui.widgets.notes_log import NotesLog

_LOG_KIND = {"rep": "rep", "hold": "hold", "playbook": "hold", "gap": "gap"}
"""Timeline kinds as the notes log shows them (the rest as plain lines: their text
already says what they are)."""


def replay(log: NotesLog, call: Call, claims: list[Claim]) -> None:
    """A continued call's record so far, as the live log would have shown it, with the
    times the app was closed."""
    for event in call_events(call, claims):
        if event.kind in ("dial", "end"):
            continue  # the screen writes the dial line itself; a live call has no end
        log.add_entry(_LOG_KIND.get(event.kind, "note"), event.text, event.elapsed or 0.0,
                      event.at)


def dropped_lines(dropped: DroppedCall, same_rep_keys: list[str]) -> list[Text]:
    """The dropped call in a few lines: reps with IDs, references, last notes, and the
    offer to carry on with the same rep."""
    call = dropped.call
    head = Text("  Dropped call ", style="bold")
    head.append(f"{format_local(call.started_at, 'MMM D HH:mm')}, "
                f"{format_duration(call.duration_seconds)}")
    lines = [head]
    reps = [rep for rep in call.reps if rep.noted]
    line = Text("  Reps: ", style="dim")
    line.append(" → ".join(f"{n}. {visible(rep.label())}" for n, rep in enumerate(reps, 1))
                or "none noted")
    lines.append(line)
    refs = Text("  Reference numbers: ", style="dim")
    refs.append(", ".join(visible(ref.number) for ref in call.references) or "none given")
    lines.append(refs)
    if dropped.last_notes:
        lines.append(Text(f"  Last {len(dropped.last_notes)} notes:", style="dim"))
    for note in dropped.last_notes:
        entry = Text(f"    {format_elapsed(note.elapsed)} ", style="dim")
        entry.append(visible(note.text))
        lines.append(entry)
    if dropped.last_rep is not None and same_rep_keys:
        offer = Text("  Same rep? ", style="bold")
        offer.append(" or ".join(same_rep_keys), style="reverse")
        offer.append(f" fills Rep 1 with {visible(dropped.last_rep.label())}")
        lines.append(offer)
    return lines


def show_dropped(log: NotesLog, dropped: DroppedCall, same_rep_keys: list[str]) -> None:
    for line in dropped_lines(dropped, same_rep_keys):
        log.write(line)


def hold_tally(session: LiveSession) -> Text | None:
    """``4h 12m on hold with them so far, 5 calls``: earlier calls to this organisation
    (counted at dial) plus this one's hold, live. Short, so it fits the notes log's
    border at 80 columns; the organisation is named in the title bar.
    None on the first call to an organisation (the timer already says it all)."""
    if not session.earlier_hold.calls:
        return None
    text = Text(format_duration(session.organisation_hold_seconds()), style="bold")
    text.append(f" on hold with them so far, {session.earlier_hold.calls + 1} calls")
    return text
