"""Reading and writing the files a user names: bounded, regular files only, written whole.

Every file the tool reads (a contract, a scenario, a price series, an
example's scenario) comes through `read_text`: it must be a regular file
(not a directory, a device or a FIFO), at most a stated size (at most that
many bytes plus one are ever read), and UTF-8 text (a byte-order mark is
accepted). A file named by another file comes through `resolve_reference`
first: relative to the file that names it, symlinks followed, with the
extension its role expects. Everything the tool writes goes through
`write_whole`: to a temporary file beside the target, then linked or renamed
into place, so that no reader ever sees half of it and no symlink is followed.
"""

from __future__ import annotations

import errno
import os
import stat

from .diagnostics import ContractError, Diagnostic, Span


def read_text(path: str, *, limit: int, noun: str) -> str:
    """The text of a regular file of at most `limit` bytes, or a diagnostic at its first line."""
    def fail(message: str, line: int = 1):
        raise ContractError(Diagnostic(message, Span(path, line, 1), source=""))

    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        fail(f"no such file: {path}")
    except IsADirectoryError:
        fail(f"{path} is a directory, not {noun}")
    except OSError as problem:
        fail(f"cannot read {path}: {problem.strerror}")
    try:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            fail(f"{path} is a directory, not {noun}")
        if not stat.S_ISREG(mode):
            fail(f"{path} is not a regular file ({_kind(mode)}), so it cannot be {noun}")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(handle, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as problem:
        fail(f"cannot read {path}: {problem.strerror}")
    finally:
        os.close(handle)
    data = b"".join(chunks)
    if len(data) > limit:
        fail(f"the file is too large (more than {limit:,} bytes)")
    if b"\0" in data:
        fail("the file is not text (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as problem:
        fail("the file is not UTF-8 text", data[: problem.start].count(b"\n") + 1)
    return text[1:] if text.startswith("\ufeff") else text


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def resolve_reference(name: str, referrer: str, *, extensions: tuple[str, ...], role: str,
                      span: Span | None, text: str | None) -> str:
    """The path of a file that `referrer` names, checked before anything of it is read.

    It is named relative to the referring file (`..` allowed, no absolute path),
    and must resolve, symlinks followed, to a regular file whose extension is
    one of `extensions` (compared without regard to case)."""
    def fail(message: str):
        raise ContractError(Diagnostic(message, span, text))

    if not name or "\0" in name:
        fail(f"{role} must name a file")
    if os.path.isabs(name) or name.startswith("~"):
        fail(f"{role} '{name}' must be named relative to {referrer}, not by an absolute path")
    target = _beside(referrer, name)
    try:
        resolved = os.path.realpath(target, strict=True)
        mode = os.stat(resolved).st_mode
    except OSError:
        fail(f"{role} '{name}': no such file (looked for {target})")
    if stat.S_ISDIR(mode):
        fail(f"{role} '{name}' is a directory")
    if not stat.S_ISREG(mode):
        fail(f"{role} '{name}' is not a regular file ({_kind(mode)})")
    if _suffix(resolved).lower() not in extensions:
        wanted = " or ".join(extensions)
        fail(f"{role} '{name}' must be a {wanted} file" + (
            f" (it resolves to {os.path.basename(resolved)})"
            if os.path.basename(resolved) != os.path.basename(target) else ""))
    return target


def _beside(referrer: str, name: str) -> str:
    """The relative `name` in the folder of the file `referrer`, written as pathlib writes
    `Path(referrer).parent / name` (empty and `.` parts dropped, `..` kept): importing pathlib for it
    took longer than reading a scenario's price series."""
    root = "/" if referrer.startswith("/") else ""
    if referrer.startswith("//") and not referrer.startswith("///"):
        root = "//"
    parts = [part for part in referrer.split("/") if part and part != "."][:-1]
    parts += [part for part in name.split("/") if part and part != "."]
    return root + "/".join(parts) or "."


def _suffix(path: str) -> str:
    """The extension of a path's last part as pathlib's `suffix` (none for `.csv` or `x.`)."""
    last = os.path.basename(path)
    dot = last.rfind(".")
    return last[dot:] if 0 < dot < len(last) - 1 else ""


def write_whole(path: str | os.PathLike, text: str, *, replace: bool, durable: bool = True) -> None:
    """Write a file whole or not at all, never through a symlink.

    With `replace` an existing file (or symlink) at `path` is replaced by the
    new file; without it an existing name is never touched and the write fails
    with FileExistsError. A file replaced keeps its permissions. Other failures (a full disk) raise
    ContractError naming the file. `durable`, the text reaches the disk before the file takes its name, so
    that after a crash the name holds the old text or the new one; a file whose reader checks it (a cache
    entry, with its digest) can do without that wait."""
    import tempfile  # here, not at the top: most processes only read, and tempfile takes longer to import than a read

    target = os.fspath(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target) or ".", prefix=f".{os.path.basename(target)}.",
                                             suffix=".tmp")
    except OSError as problem:
        raise ContractError(Diagnostic(f"cannot write {target}: {problem.strerror}"))
    try:
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(text)
                out.flush()
                if durable:
                    os.fsync(out.fileno())
            os.chmod(temporary, _kept_mode(target) if replace else 0o666 & ~_umask())
            if replace:
                os.replace(temporary, target)
            else:
                os.link(temporary, target, follow_symlinks=False)  # fails if the name exists, even as a symlink
        except FileExistsError:
            raise
        except OSError as problem:
            if problem.errno == errno.EEXIST:
                raise FileExistsError(problem.errno, problem.strerror, str(target)) from None
            raise ContractError(Diagnostic(f"cannot write {target}: {problem.strerror}")) from None
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _kept_mode(target: str) -> int:
    """The permissions of the file being replaced (`fmt` of a contract only its owner may read leaves it so),
    else those of a new file."""
    try:
        found = os.lstat(target)
    except OSError:
        return 0o666 & ~_umask()
    return stat.S_IMODE(found.st_mode) if stat.S_ISREG(found.st_mode) else 0o666 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
