"""A small on-disk cache for work that does not change between runs.

Three things are kept: Lark's compiled parser tables, the syntax trees of
contract files (keyed by their text, the grammar and the package version),
and the holiday lists of calendars (keyed by the holidays package installed).
A cache that cannot be read or written is simply not used; entries are
written whole (to a temporary file, then renamed), so a reader never sees half
of one.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from . import __version__


def folder() -> Path | None:
    base = os.environ.get("CONTRACT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "contractlang")
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        base = os.path.join(tempfile.gettempdir(), "contractlang-cache")
        try:
            os.makedirs(base, exist_ok=True)
        except OSError:
            return None
    return Path(base)


def key(*parts: str) -> str:
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def load(name: str):
    place = folder()
    if place is None:
        return None
    try:
        with open(place / name, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # a missing, stale or damaged entry is a miss
        return None


def store(name: str, value) -> None:
    place = folder()
    if place is None:
        return
    try:
        handle, temporary = tempfile.mkstemp(dir=place, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, place / name)
    except Exception:
        try:
            os.unlink(temporary)
        except Exception:
            pass
