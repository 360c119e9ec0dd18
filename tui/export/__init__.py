"""Exports: JSON (complete) and a readable Markdown log. No Textual imports."""

from tui.export.json_export import export_json
from tui.export.markdown import export_markdown

FORMATS = ("json", "md")

__all__ = ["FORMATS", "export_json", "export_markdown"]
