"""Reading a source file safely: regular files only, links only into allowed folders, never more than a cap."""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Iterable

# Larger than any real agenda or agreement (the seed documents are 14-33 kB of text); a bigger file is refused
# before it is read, so a link to /dev/zero or a 5 GB file cannot exhaust memory.
MAX_FILE_BYTES = 50_000_000


class UnsafeFile(ValueError):
    """The path is not a regular file we may read; the message says why in one sentence."""


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    for root in roots:
        try:
            path.relative_to(Path(root).resolve())
            return True
        except ValueError:
            continue
    return False


def check_regular(path: str | Path, roots: Iterable[Path] = (), confine: bool = False) -> Path:
    """The resolved path of a regular file; a link must resolve inside one of `roots`, and with `confine` any path."""
    path = Path(path)
    roots = list(roots)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise UnsafeFile(f"{path.name}: file not found") from None
    except OSError as exc:
        raise UnsafeFile(f"{path.name}: cannot be read ({exc.strerror or exc.__class__.__name__})") from None
    # A link into a system folder (/etc/passwd) must not end up quoted in answers.
    if stat.S_ISLNK(st.st_mode) or (confine and not _inside(path.resolve(), roots)):
        target = path.resolve()
        if not _inside(target, roots):
            what = "is a link to a file" if stat.S_ISLNK(st.st_mode) else "lies"
            raise UnsafeFile(f"{path.name}: {what} outside the corpus and upload folders; copy the document there "
                             "instead")
        try:
            st = os.stat(target)
        except OSError:
            raise UnsafeFile(f"{path.name}: is a link to a file that does not exist") from None
    if stat.S_ISDIR(st.st_mode):
        raise UnsafeFile(f"{path.name}: is a folder, not a document file")
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFile(f"{path.name}: is not a regular file (a device, pipe or socket); give a document file")
    return path.resolve()


def read_regular(path: str | Path, roots: Iterable[Path] = (), max_bytes: int = MAX_FILE_BYTES,
                 confine: bool = False) -> bytes:
    """The bytes of a regular file, refusing links out of `roots`, special files and files above max_bytes.

    `confine` (manifest entries): the resolved path itself must lie in `roots`, so "../../etc/passwd" or a linked
    folder is refused too; a file named on the command line may live anywhere but may not be a link out."""
    name = Path(path).name
    target = check_regular(path, roots, confine)
    # O_NONBLOCK: should the file be swapped for a FIFO after the check, open() still returns at once;
    # fstat on the open descriptor then decides, so nothing is read from anything but a regular file.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        reason = "permission denied" if exc.errno in (errno.EACCES, errno.EPERM) else (exc.strerror or "error")
        raise UnsafeFile(f"{name}: cannot be read ({reason})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(f"{name}: is not a regular file (a device, pipe or socket); give a document file")
        if st.st_size > max_bytes:
            raise UnsafeFile(f"{name}: the file is {st.st_size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
        chunks, total = [], 0
        while True:
            block = os.read(fd, 1 << 20)
            if not block:
                break
            total += len(block)
            if total > max_bytes:  # the file grew while we read it
                raise UnsafeFile(f"{name}: the file is larger than the limit of {max_bytes / 1e6:.0f} MB")
            chunks.append(block)
        return b"".join(chunks)
    except OSError as exc:
        raise UnsafeFile(f"{name}: cannot be read ({exc.strerror or exc.__class__.__name__})") from None
    finally:
        os.close(fd)
