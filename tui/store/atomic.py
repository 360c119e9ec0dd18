"""Crash-safe files: temp file in the same directory, fsync, rename, fsync dir.

Every file is created 0600 and every directory 0700, whatever the umask.
"""

from __future__ import annotations

import os
import sys
import tempfile
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
    """Create ``directory`` (and parents) and make it 0700."""
    directory.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if (directory.stat().st_mode & 0o777) != DIR_MODE:
        os.chmod(directory, DIR_MODE)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves old or new, never a mix."""
    directory = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
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
        os.fchmod(fd, FILE_MODE)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    os.replace(tmp, path)


def sweep_temp_files(directory: Path, recursive: bool = True) -> int:
    """Delete temp files a crash left behind (only call while holding the lock)."""
    removed = 0
    walked = os.walk(directory) if recursive else [(str(directory), [], os.listdir(directory))]
    for root, _dirs, files in walked:
        for name in files:
            if name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX):
                try:
                    os.unlink(os.path.join(root, name))
                    removed += 1
                except FileNotFoundError:
                    pass
    return removed


def write_private_file(path: Path, data: bytes) -> None:
    """Write a user-chosen output file (export) atomically, mode 0600."""
    atomic_write(path, data)
