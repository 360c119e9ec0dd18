"""Playbooks: YAML files describing whom to call and how. No Textual imports."""

from tui.playbooks.loader import Phone, Playbook, PlaybookProblem, Step, load_playbooks

__all__ = ["Phone", "Playbook", "PlaybookProblem", "Step", "load_playbooks"]
