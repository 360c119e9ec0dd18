"""Hold the Line: a keyboard-first companion for long phone battles."""

__version__ = "0.1.0"
APP_NAME = "holdtheline"
