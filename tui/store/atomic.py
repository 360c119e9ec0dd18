"""Crash-safe files: temp file in the same directory, fsync, rename, fsync dir.

Every file is created 0600 and every directory 0700, whatever the umask.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

TEMP_PREFIX = ".htl-"
TEMP_SUFFIX = ".tmp"
FILE_MODE = 0o600
DIR_MODE = 0o700


def _fsync(fd: int) -> None:
    if sys.platform == "darwin":  # pragma: no cover - macOS only
        import fcntl

        fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
    else:
        os.fsync(fd)


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (no-op where unsupported)."""
    if os.name == "nt":  # pragma: no cover
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` and any missing parents, each 0700 whatever the umask.

    Folders that already existed are left as they are, except ``directory`` itself,
    which is always made 0700.
    """
    missing: list[Path] = []
    for folder in [directory, *directory.parents]:
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode is masked by the umask
    if (directory.stat().st_mode & 0o777) != DIR_MODE:
        os.chmod(directory, DIR_MODE)


def atomic_write(path: Path, data: bytes, prefix: str = TEMP_PREFIX) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves old or new, never a mix."""
    atomic_write_chunks(path, [data], prefix)


def atomic_write_chunks(path: Path, chunks: Iterable[bytes], prefix: str = TEMP_PREFIX) -> None:
    """:func:`atomic_write` of data made piece by piece (never held whole in memory)."""
    directory = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=directory)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            _fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(directory)


def write_new_file(path: Path, data: bytes) -> None:
    """A new file, 0600, written under a temp name the store sweeps, then renamed.

    No fsync (the caller syncs once for many files): for bulk writes only.
    """
    tmp = path.with_name(f"{TEMP_PREFIX}{path.name}{TEMP_SUFFIX}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, FILE_MODE)
    try:
        try:
            os.fchmod(fd, FILE_MODE)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # disk full: nothing left behind, the name free again
        raise


def temp_names(names: list[str]) -> list[str]:
    """Our temp files among ``names``."""
    return [name for name in names
            if name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)]


def sweep_temp_files(directory: Path, recursive: bool = True,
                     names: list[str] | None = None) -> int:
    """Delete temp files a crash left behind (only call while holding the lock);
    ``names``: the directory's names, already listed (not recursive)."""
    removed = 0
    if names is not None:
        walked: Iterable[tuple[str, list[str], list[str]]] = [(str(directory), [], names)]
    elif recursive:
        walked = os.walk(directory)
    else:
        walked = [(str(directory), [], os.listdir(directory))]
    for root, _dirs, files in walked:
        for name in temp_names(files):
            try:
                os.unlink(os.path.join(root, name))
                removed += 1
            except FileNotFoundError:
                pass
    return removed


EXPORT_TEMP_PREFIX = ".holdtheline-export-"
"""Temp files of exports in the user's folder: named so nobody wonders, swept next time."""
STALE_EXPORT_SECONDS = 60.0
"""An export temp file older than this was left by a killed export (not one running)."""


def sweep_export_temps(directory: Path, now: float | None = None) -> int:
    """Delete export temp files a killed export left in ``directory``."""
    import time

    cutoff = (time.time() if now is None else now) - STALE_EXPORT_SECONDS
    removed = 0
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    for name in names:
        if not (name.startswith(EXPORT_TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)):
            continue
        path = directory / name
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def write_private_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    """:func:`write_private_file` of data made piece by piece."""
    sweep_export_temps(path.parent)
    atomic_write_chunks(path, chunks, prefix=EXPORT_TEMP_PREFIX)


def write_private_file(path: Path, data: bytes) -> None:
    """Write a user-chosen output file (export) atomically, mode 0600.

    The temp file sits next to the target (``.holdtheline-export-*.tmp``) so the rename
    is atomic; one left by a killed export is removed by the next export there.
    """
    sweep_export_temps(path.parent)
    atomic_write(path, data, prefix=EXPORT_TEMP_PREFIX)
