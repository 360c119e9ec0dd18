"""Playbooks: YAML files describing whom to call and how. No Textual imports.

Trust at each fact: ``playbook.trust(fact, today)`` (or ``trust_of``) gives a
:class:`Trust` with a short ``label`` to show next to any phone, deadline,
link, step or cited text; ``playbook.trust_summary(today)`` gives the
playbook-wide "Facts last checked …" line.
"""

from tui.playbooks.letters import FIELDS, LetterError, LetterTemplate
from tui.playbooks.loader import load_file, load_letters, load_playbooks, validate_paths
from tui.playbooks.model import (
    FACT_STATUSES,
    KINDS,
    PLAYBOOK_SCHEMA_VERSION,
    RECHECK_AFTER_DAYS,
    SOURCE_STATUSES,
    STATUS_WARNINGS,
    Cite,
    CitedText,
    Deadline,
    Link,
    Phone,
    Playbook,
    PlaybookProblem,
    Source,
    Step,
    Trust,
    trust_of,
)

__all__ = [
    "FIELDS",
    "LetterError",
    "LetterTemplate",
    "load_letters",
    "FACT_STATUSES",
    "KINDS",
    "PLAYBOOK_SCHEMA_VERSION",
    "RECHECK_AFTER_DAYS",
    "SOURCE_STATUSES",
    "STATUS_WARNINGS",
    "Cite",
    "CitedText",
    "Deadline",
    "Link",
    "Phone",
    "Playbook",
    "PlaybookProblem",
    "Source",
    "Step",
    "Trust",
    "load_file",
    "load_playbooks",
    "trust_of",
    "validate_paths",
]
