"""Rotating backups of the data folder, and restoring them.

A backup is a folder ``backups/<UTC time>-<reason>/`` holding copies of the files
that hold data (``layout.json``, ``profile.json``, ``cases/``, ``calls/``; a v1
folder's ``index.json`` too) and a ``manifest.json`` with what it holds. Indexes
are not backed up: they are rebuilt from the call files.

Files that did not change since the previous backup are hard links to that
backup's copy (never to the live file, which could be damaged in place), so a
backup of a big history costs one ``stat`` per file plus copies of what changed.

Rotation keeps the newest :data:`KEEP` backups, and always the fullest one: a
backup is never dropped in favour of emptier ones (a damaged or emptied folder
cannot push the last good copy out).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tui.store.atomic import DIR_MODE, FILE_MODE, atomic_write, ensure_private_dir, fsync_dir

BACKUPS = "backups"
KEEP = 10
"""Backups kept (plus the fullest, if older)."""
DATA_FILES = ("layout.json", "profile.json", "index.json")
"""Single files backed up when present (``index.json``: a v1 folder's cases)."""
DATA_DIRS = ("cases", "calls")
DAILY_SECONDS = 24 * 3600
OPEN_SECONDS = 600
"""On open, a backup is taken unless the newest is younger than this."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup, as listed."""

    name: str
    path: Path
    created_at: str
    """UTC ISO-8601."""
    reason: str
    cases: int
    calls: int

    @property
    def records(self) -> int:
        return self.cases + self.calls


def _now() -> datetime:
    return datetime.now(UTC)


def backups_dir(data_dir: Path) -> Path:
    return Path(data_dir) / BACKUPS


def list_backups(data_dir: Path) -> list[BackupInfo]:
    """Complete backups, newest first (folders without a readable manifest are skipped)."""
    root = backups_dir(data_dir)
    if not root.is_dir():
        return []
    found: list[BackupInfo] = []
    for entry in root.iterdir():
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        try:
            manifest = json.loads((entry / "manifest.json").read_text("utf-8"))
            found.append(BackupInfo(entry.name, entry, str(manifest["created_at"]),
                                    str(manifest.get("reason", "")),
                                    int(manifest.get("cases", 0)),
                                    int(manifest.get("calls", 0))))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(found, key=lambda b: (b.created_at, b.name), reverse=True)


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def _copy(source: Path, target: Path, previous: Path | None) -> None:
    """``source`` to ``target`` (0600): a hard link to ``previous`` when unchanged."""
    if previous is not None:
        try:
            if _same(previous.stat(), source.stat()):
                os.link(previous, target)
                return
        except OSError:
            pass
    shutil.copy2(source, target)
    os.chmod(target, FILE_MODE)


def take_backup(data_dir: Path, reason: str, cases: int, calls: int) -> BackupInfo:
    """Copy the data files into a new backup folder; then rotate. ``OSError`` if it fails
    (a half-made backup is removed and never listed)."""
    data_dir = Path(data_dir)
    root = backups_dir(data_dir)
    ensure_private_dir(root)
    now = _now()
    name = now.strftime("%Y%m%dT%H%M%S%fZ") + f"-{reason}"
    staging = root / f".partial-{name}"
    final = root / name
    previous = next(iter(list_backups(data_dir)), None)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(mode=DIR_MODE)
        for file_name in DATA_FILES:
            source = data_dir / file_name
            if source.is_file():
                _copy(source, staging / file_name,
                      previous.path / file_name if previous else None)
        for dir_name in DATA_DIRS:
            source_dir = data_dir / dir_name
            target_dir = staging / dir_name
            target_dir.mkdir(mode=DIR_MODE)
            if not source_dir.is_dir():
                continue
            before = previous.path / dir_name if previous else None
            for entry in os.scandir(source_dir):
                if entry.name.endswith(".json") and not entry.name.startswith(".") \
                        and entry.is_file(follow_symlinks=False):
                    _copy(Path(entry.path), target_dir / entry.name,
                          before / entry.name if before else None)
        manifest = {"created_at": now.isoformat().replace("+00:00", "Z"), "reason": reason,
                    "cases": cases, "calls": calls}
        atomic_write(staging / "manifest.json", json.dumps(manifest).encode("utf-8"))
        os.replace(staging, final)
        fsync_dir(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    rotate(data_dir)
    return BackupInfo(name, final, str(manifest["created_at"]), reason, cases, calls)


def rotate(data_dir: Path, keep: int = KEEP) -> list[str]:
    """Drop backups beyond the newest ``keep``, never the fullest one; returns names dropped."""
    found = list_backups(data_dir)
    if len(found) <= keep:
        return []
    fullest = max(found, key=lambda b: (b.records, b.created_at))
    dropped = []
    for backup in found[keep:]:
        if backup is fullest:
            continue
        shutil.rmtree(backup.path, ignore_errors=True)
        dropped.append(backup.name)
    for partial in backups_dir(data_dir).glob(".partial-*"):
        shutil.rmtree(partial, ignore_errors=True)
    return dropped


def due(data_dir: Path, now: datetime | None = None, seconds: float = DAILY_SECONDS) -> bool:
    """True when the newest backup is ``seconds`` old or more (or there is none)."""
    newest = next(iter(list_backups(data_dir)), None)
    if newest is None:
        return True
    try:
        made = datetime.fromisoformat(newest.created_at.replace("Z", "+00:00"))
    except ValueError:
        return True
    return ((now or _now()) - made).total_seconds() >= seconds


def find_backup(data_dir: Path, which: str | None) -> BackupInfo:
    """The backup named (a name, a unique prefix, or its number in ``backup list``, 1 =
    newest); the newest when ``which`` is None. ``LookupError`` saying why not."""
    found = list_backups(data_dir)
    if not found:
        raise LookupError(f"there are no backups in {backups_dir(data_dir)}")
    if which is None:
        return found[0]
    if which.isdigit() and 1 <= int(which) <= len(found):
        return found[int(which) - 1]
    matches = [b for b in found if b.name.startswith(which)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise LookupError(f"no backup called '{which}' (see holdtheline backup list)")
    raise LookupError(f"'{which}' matches {len(matches)} backups; give more of the name")


def restore_files(data_dir: Path, backup: BackupInfo) -> None:
    """Make the data folder's data files those of ``backup`` (the caller holds the lock and
    took a backup of the current state first). Indexes are removed: they are rebuilt.

    Each folder is swapped with one rename, the old one kept as ``.old-<name>`` until the
    end; :func:`finish_interrupted_restore` completes or undoes a restore cut short.
    """
    data_dir = Path(data_dir)
    for dir_name in DATA_DIRS:
        staging = data_dir / f".restore-{dir_name}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(mode=DIR_MODE)
        source_dir = backup.path / dir_name
        if source_dir.is_dir():
            for entry in os.scandir(source_dir):
                if entry.is_file(follow_symlinks=False):
                    shutil.copy2(entry.path, staging / entry.name)
                    os.chmod(staging / entry.name, FILE_MODE)
    for dir_name in DATA_DIRS:
        live, old = data_dir / dir_name, data_dir / f".old-{dir_name}"
        shutil.rmtree(old, ignore_errors=True)
        if live.exists():
            os.replace(live, old)
        os.replace(data_dir / f".restore-{dir_name}", live)
    for file_name in DATA_FILES:
        source, target = backup.path / file_name, data_dir / file_name
        if source.is_file():
            atomic_write(target, source.read_bytes())
        elif target.exists() and file_name != "layout.json":
            target.unlink()
    shutil.rmtree(data_dir / "index", ignore_errors=True)
    for dir_name in DATA_DIRS:
        shutil.rmtree(data_dir / f".old-{dir_name}", ignore_errors=True)
    fsync_dir(data_dir)


def finish_interrupted_restore(data_dir: Path) -> None:
    """A restore killed half-way: put back a folder that was moved aside and never replaced,
    drop leftovers."""
    for dir_name in DATA_DIRS:
        live, old = data_dir / dir_name, data_dir / f".old-{dir_name}"
        if old.is_dir():
            if live.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(old, live)
        shutil.rmtree(data_dir / f".restore-{dir_name}", ignore_errors=True)


def good_copy(data_dir: Path, relative: str, readable: object) -> tuple[BackupInfo, bytes] | None:
    """The newest backup holding a copy of ``relative`` that ``readable(bytes)`` accepts."""
    check = readable if callable(readable) else (lambda raw: True)
    for backup in list_backups(data_dir):
        try:
            raw = (backup.path / relative).read_bytes()
        except OSError:
            continue
        if check(raw):
            return backup, raw
    return None
