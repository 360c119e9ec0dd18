"""Playbooks: YAML files describing whom to call and how. No Textual imports."""

from tui.playbooks.loader import load_file, load_playbooks
from tui.playbooks.model import (
    KINDS,
    SOURCE_STATUSES,
    Deadline,
    Phone,
    Playbook,
    PlaybookProblem,
    Source,
    Step,
)

__all__ = [
    "KINDS",
    "SOURCE_STATUSES",
    "Deadline",
    "Phone",
    "Playbook",
    "PlaybookProblem",
    "Source",
    "Step",
    "load_file",
    "load_playbooks",
]
