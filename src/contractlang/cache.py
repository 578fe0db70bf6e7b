"""A small on-disk cache for work that does not change between runs.

Three things are kept: Lark's compiled parser tables, the syntax trees of
contract files (keyed by their text, the grammar and the code that builds
trees), alone and with what the checker found (keyed by the code that checks
too), and the holiday lists of calendars (keyed by the holidays package
installed). The cache is an optimisation, so it must never change an outcome:

- Entries are plain JSON, read with a parser that cannot run code, behind a
  digest of the entry's name and body: damaged or misnamed entries are misses.
  Their readers check the contents again on the way back (language/tree_cache.py
  a tree field by field against ast's declared types), so an entry of the wrong
  shape is a miss too.
- The folder ($CONTRACT_CACHE_DIR, else $XDG_CACHE_HOME/contractlang, else
  ~/.cache/contractlang) is used only if it is a real directory owned by the
  user and closed to everyone else (one that is ours but open is closed, mode
  0700). Otherwise the tool runs without a cache and says so once on stderr:
  there is no fall-back to a shared folder, where another user could plant entries.
- Entries are written whole (a temporary file renamed into place); a write that
  fails (a full disk) is skipped without a word.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
import stat
import sys
from decimal import Decimal

from . import __version__
from .diagnostics import ContractError
from .files import read_text, write_whole

MAX_ENTRY_BYTES = 64_000_000


def folder() -> str | None:
    """The cache folder, or None (after one warning on stderr) when there can be none."""
    return _checked_folder(
        os.environ.get("CONTRACT_CACHE_DIR")
        or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
                        "contractlang"))


@functools.lru_cache(maxsize=None)
def _checked_folder(place: str) -> str | None:
    """Checked once per process and folder, so that the warning is given once."""
    problem = _unsafe(place)
    if problem is None:
        return place
    print(f"warning: no cache ({problem}); running without one", file=sys.stderr)
    return None


def _unsafe(place: str) -> str | None:
    """Why `place` cannot hold the cache, or None once it exists, is ours, and is closed to others."""
    if os.path.islink(place):
        return f"{place} is a symbolic link"
    if os.path.lexists(place) and not os.path.isdir(place):
        return f"{place} is not a directory"
    try:
        os.makedirs(place, mode=0o700, exist_ok=True)
        # the checks are made on the folder opened, so that it cannot be swapped in between
        handle = os.open(place, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as problem:
        return f"cannot create {place}: {problem.strerror}"
    try:
        status = os.fstat(handle)
        if status.st_uid != os.geteuid():
            return f"{place} is not owned by you"
        if stat.S_IMODE(status.st_mode) & 0o077:
            # closing a folder others could write makes it ours only if nothing in it is theirs,
            # and a shared folder by design (sticky, as /tmp) is never closed
            if status.st_mode & stat.S_ISVTX:
                return f"{place} is a shared folder"
            if any(entry.stat(follow_symlinks=False).st_uid != os.geteuid() for entry in os.scandir(handle)):
                return f"{place} is open to others and holds files that are not yours"
            os.fchmod(handle, 0o700)
    except OSError as problem:
        return f"cannot make {place} private: {problem.strerror}"
    finally:
        os.close(handle)
    return None


def key(*parts: str) -> str:
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def _digest(name: str, body: str) -> str:
    return hashlib.sha256(f"{name}\0{body}".encode()).hexdigest()


def load(name: str, object_hook=None):
    """The plain value stored under `name` (JSON: no float, no code), or None for a missing or damaged entry.

    `object_hook` turns each JSON object read into what it stands for, as in json.loads;
    it raises ValueError for one of the wrong shape."""
    place = folder()
    if place is None:
        return None
    try:
        entry = os.path.join(place, name)
        if os.stat(entry, follow_symlinks=False).st_uid != os.geteuid():
            return None  # an entry someone else left: not trusted, whatever it holds
        digest, body = read_text(entry, limit=MAX_ENTRY_BYTES, noun="a cache entry").split("\n", 1)
        if digest != _digest(name, body):
            return None
        return plain_json(body, object_hook)
    except (ContractError, OSError, ValueError, RecursionError):
        return None


def plain_json(body: str, object_hook=None):
    """JSON text as plain values, as `load` reads an entry: no float, no NaN (ValueError)."""
    return json.loads(body, parse_float=Decimal, parse_constant=_refuse, object_hook=object_hook)


class collector_paused:
    """Reading an entry builds thousands of objects and no cycle among them: meanwhile the cycle collector would
    walk every object of the process again and again for nothing (a third of the time of reading a tree).

    A class, not a generator: an evaluation enters it too, thousands of times in a test run."""

    __slots__ = ("enabled",)

    def __enter__(self):
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *problem):
        if self.enabled:
            gc.enable()


def _refuse(constant: str):
    raise ValueError(f"{constant} is not plain data")


def store(name: str, value) -> None:
    """Keep a plain value (JSON: dicts with text keys, lists, texts, integers, booleans, None) under `name`."""
    place = folder()
    if place is None:
        return
    try:
        store_json(name, json.dumps(value, separators=(",", ":"), allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        pass


def store_json(name: str, body: str) -> None:
    """Keep JSON text already made of plain values (as `store` writes them) under `name`."""
    place = folder()
    if place is None:
        return
    try:
        # not synced to the disk: an entry a crash leaves damaged fails its digest when read, and is a miss
        write_whole(os.path.join(place, name), f"{_digest(name, body)}\n{body}", replace=True, durable=False)
    except (ContractError, OSError):
        pass
