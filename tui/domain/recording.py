"""Call recording: which US states need everyone's consent (DOMAIN.md 3.4)."""

from __future__ import annotations

ALL_PARTY = {"CA", "DE", "FL", "IL", "MD", "MA", "MT", "NV", "NH", "PA", "WA"}
"""Commonly listed all-party-consent states."""
MIXED = {"CT", "MI", "OR"}
"""Disputed or mixed rules: treat as all-party to be safe."""

SCRIPT = (
    "I need to record this call so I have a record of what to do next. "
    "Do I have your permission to record?"
)


def recording_warning(home_state: str, their_state: str) -> str | None:
    """A warning when either side's state needs all-party consent, else None."""
    states = [s.strip().upper() for s in (home_state, their_state) if s and s.strip()]
    strict = [s for s in states if s in ALL_PARTY]
    mixed = [s for s in states if s in MIXED]
    if strict:
        return (f"{', '.join(dict.fromkeys(strict))} needs everyone's consent to record: "
                f"ask first and record only if they agree. Say: “{SCRIPT}”")
    if mixed:
        return (f"{', '.join(dict.fromkeys(mixed))} has mixed rules: ask everyone's consent "
                f"before recording. Say: “{SCRIPT}”")
    return None
