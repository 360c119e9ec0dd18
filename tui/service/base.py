"""What every part of the application layer shares: its errors and its context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the annotations only: the read commands load none of them
    from tui.domain.clock import Clock
    from tui.domain.model import Call
    from tui.playbooks import LetterTemplate, Playbook, PlaybookProblem
    from tui.store import Store


class ServiceError(Exception):
    """A request that cannot be done, with a one-line message for the user."""


@dataclass
class Context:
    """The store, the clock and the playbooks: what every service works with."""

    store: Store
    clock: Clock
    playbooks: dict[str, Playbook] = field(default_factory=dict)
    problems: list[PlaybookProblem] = field(default_factory=list)
    letters: list[LetterTemplate] = field(default_factory=list)
    """Letters for any organisation (playbooks carry their own)."""

    def now_iso(self) -> str:
        """Now, as stored: UTC ISO-8601."""
        from tui.domain.timefmt import to_iso

        return to_iso(self.clock.now())

    def today(self) -> date:
        """The user's local date (follow-ups and deadlines are judged on it)."""
        from tui.domain.deadlines import local_date

        return local_date(self.clock.now())

    def load_call(self, call_id: str) -> Call:
        """One call in full; ``ServiceError`` when there is none or its file was found
        damaged (the store then keeps it aside and names it: the app offers it back)."""
        from tui.store.errors import StoreError

        if not self.store.has_call(call_id):
            raise ServiceError(f"no call {call_id}")
        try:
            return self.store.load_call(call_id)
        except StoreError as error:
            raise ServiceError(f"Could not open the call: {error}") from None

    def sorted_playbooks(self) -> list[Playbook]:
        """Playbooks by name, as pickers list them."""
        return sorted(self.playbooks.values(), key=lambda p: p.name.casefold())

    def playbook_names(self) -> dict[str, str]:
        """Playbook id → name (escalation targets are shown by name)."""
        return {pid: playbook.name for pid, playbook in self.playbooks.items()}
