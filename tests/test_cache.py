"""The on-disk cache holds plain data only, in a folder only its user can touch.

A planted entry (a pickle that would run code, JSON of the wrong shape,
garbage, a damaged genuine entry) is a miss: the work is done again and the
output is the same as without a cache. A cache folder that is a symbolic link
or belongs to someone else is not used (one warning on stderr), one that is
ours but open to others is made private, and there is never a fall-back to the
shared temporary directory. Runs are subprocesses of the command line with
CONTRACT_CACHE_DIR pointing into the test's own folder.
"""

from __future__ import annotations

import json
import os
import pickle
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractlang import cache
from contractlang.diagnostics import Span
from contractlang.language import ast, parser_tables, tree_cache
from contractlang.language.parser import parse

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "contracts").rglob("*.contract"))
NOTE = "contracts/nstor_2002_subordinated_note.contract"
BOND = "contracts/examples/fixed_rate_bond.contract"
SCENARIO = "scenarios/nstor_2002_conversions.toml"  # crosses weekends and holidays: calendars are used
EVAL = ["eval", NOTE, SCENARIO, "--format", "json"]
CHECK = ["check", NOTE, BOND]
OTHER_USER = 12345

PLANTED = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))


def run(cache_folder, *arguments, **environment) -> subprocess.CompletedProcess:
    """`contract ARGUMENTS` in a fresh process whose cache folder is `cache_folder`."""
    env = {**os.environ, "CONTRACT_CACHE_DIR": str(cache_folder), **environment}
    env.pop("CONTRACT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "contractlang.cli", *arguments], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)


def entry_names(folder: Path) -> list[str]:
    """The entries a run left in a cache folder (not the temporary files of writes under way)."""
    return sorted(path.name for path in folder.iterdir() if not path.name.startswith("."))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """What `check` and `eval` print from a cold cache, and the names of the entries they write."""
    folder = tmp_path_factory.mktemp("reference") / "cache"
    checked, evaluated = run(folder, *CHECK), run(folder, *EVAL)
    assert (checked.returncode, evaluated.returncode) == (0, 0), checked.stderr + evaluated.stderr
    assert checked.stderr == evaluated.stderr == ""
    names = entry_names(folder)
    assert {name.split("-")[0] for name in names} == {"grammar", "tree", "holidays"}
    return {"check": checked.stdout, "eval": evaluated.stdout, "names": names, "folder": folder}


def assert_same_results(folder: Path, reference: dict, stderr: str = "") -> None:
    checked, evaluated = run(folder, *CHECK), run(folder, *EVAL)
    assert (checked.returncode, checked.stderr, checked.stdout) == (0, stderr, reference["check"])
    assert (evaluated.returncode, evaluated.stderr, evaluated.stdout) == (0, stderr, reference["eval"])


class RunsCodeWhenUnpickled:
    """Unpickling this runs code: it creates the marker file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({str(self.marker)!r}, 'w').close()",)


def planted_pickles(marker: Path) -> dict[str, bytes]:
    payload = pickle.dumps(RunsCodeWhenUnpickled(marker))
    # Lark's own cache file is a line (a digest) followed by pickles: plant that layout too
    return {"pickle": payload, "lark layout": b"0" * 64 + b"\n" + payload + payload}


# ------------------------------------------------------------ planted entries


@pytest.mark.parametrize("layout", ["pickle", "lark layout"])
def test_a_planted_pickle_is_never_unpickled(tmp_path, reference, layout):
    marker = tmp_path / "marker"
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    for name in reference["names"]:
        (folder / name).write_bytes(planted_pickles(marker)[layout])
    assert_same_results(folder, reference)
    assert not marker.exists()


def test_no_entry_is_a_pickle_and_every_entry_is_json(reference):
    for name in reference["names"]:
        digest, body = (reference["folder"] / name).read_text(encoding="ascii").split("\n", 1)
        assert len(digest) == 64
        json.loads(body)


def test_no_source_file_mentions_pickle():
    sources = [path for path in (ROOT / "src").rglob("*.py") if "pickle" in path.read_text(encoding="utf-8")]
    assert sources == []


@pytest.mark.parametrize("content", [
    b"\x00\xff garbage \x80",
    b"",
    b'{"a": 1}',
    b"[]",
    b"null",
    b"[" * 100_000,
    ("0" * 64 + '\n{"a": 1}').encode(),
])
def test_garbage_and_json_of_the_wrong_shape_are_misses(tmp_path, reference, content):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    for name in reference["names"]:
        (folder / name).write_bytes(content)
    assert_same_results(folder, reference)


@pytest.mark.parametrize("value", [{"a": 1}, [], None, "text", 3, [["Contract"]], ["Contract", "x", [], [], None, 1],
                                   ["2003-01-01", 7], ["2003-02-30"], {"data": {}, "memo": {}},
                                   {"data": {"\u0000int keys": [["1", 2]]}, "memo": {}}])
def test_well_formed_entries_of_the_wrong_shape_are_misses(tmp_path, reference, value, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(folder))
    for name in reference["names"]:
        cache.store(name, value)
        assert cache.load(name) == value  # the entry itself is sound: only its shape is wrong
    assert_same_results(folder, reference)


def plant_soundly(folder: Path, name: str, body: str) -> None:
    """An entry with the right digest, as only someone who knows the format could write it."""
    import hashlib

    digest = hashlib.sha256(f"{name}\0{body}".encode()).hexdigest()
    (folder / name).write_text(f"{digest}\n{body}", encoding="ascii")


@pytest.mark.parametrize("too_deep_for", ["reading JSON", "rebuilding the tree"])
def test_a_sound_entry_too_deep_to_read_is_a_miss(tmp_path, monkeypatch, too_deep_for):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(folder))
    text = 'contract "Deep"\n§1 "Terms" {\n  term x = not true\n}\n'
    fresh = parse(text, "deep.contract")
    (name,) = [name for name in entry_names(folder) if name.startswith("tree-")]
    if too_deep_for == "reading JSON":
        body = "[" * 5_000 + "]" * 5_000
    else:  # each level is a few lists in JSON but more calls than that to rebuild
        block = [["Reject", "x", None]]
        for _ in range(220):
            block = [["If", [[["BoolLit", True, None], block]], None, None]]
        item = ["UponRule", "E", "e", block, None]
        body = json.dumps(["Contract", "Deep", [], [["Section", "§1", "Terms", [item], None]], None])
    plant_soundly(folder, name, body)
    if too_deep_for == "rebuilding the tree":
        assert cache.load(name)[0] == "Contract"  # JSON reads it
    assert parse(text, "deep.contract") == fresh


def test_damaged_and_misnamed_genuine_entries_are_misses(tmp_path, reference):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    genuine = {name: (reference["folder"] / name).read_bytes() for name in reference["names"]}
    for number, name in enumerate(reference["names"]):
        data = genuine[name]
        if number % 2:
            damaged = data[: len(data) // 2]
        else:  # one digit changed: the JSON still parses, the digest does not match
            where = next(i for i in range(len(data) - 1, 0, -1) if data[i:i + 1].isdigit())
            damaged = data[:where] + (b"1" if data[where:where + 1] != b"1" else b"2") + data[where + 1:]
        (folder / name).write_bytes(damaged)
    trees = [name for name in reference["names"] if name.startswith("tree-")]
    (folder / trees[0]).write_bytes(genuine[trees[1]])  # a sound entry under another entry's name
    (folder / trees[1]).write_bytes(genuine[trees[0]])
    assert_same_results(folder, reference)


def test_entries_are_written_without_waiting_for_the_disk_and_a_file_the_user_names_is_not(tmp_path, monkeypatch):
    """A cache entry damaged by a crash is a miss (above), so its write need not wait for the disk; a file
    the user asked for (fmt, memo, a counterexample) does, so that a crash leaves its old text or its new."""
    from contractlang.files import write_whole

    synced = []
    monkeypatch.setattr(os, "fsync", lambda descriptor: synced.append(descriptor))
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    cache.store("an-entry.json", {"kept": [1, 2, 3]})
    assert cache.load("an-entry.json") == {"kept": [1, 2, 3]} and synced == []
    write_whole(tmp_path / "asked-for.txt", "text\n", replace=False)
    assert (tmp_path / "asked-for.txt").read_text(encoding="utf-8") == "text\n" and len(synced) == 1


def test_results_are_identical_cold_warm_and_without_a_cache(tmp_path, reference):
    assert_same_results(reference["folder"], reference)  # warm
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(real)
    assert_same_results(tmp_path / "link", reference,
                        stderr=f"warning: no cache ({tmp_path / 'link'} is a symbolic link); running without one\n")


# ----------------------------------------------------------------- the folder


def test_a_new_folder_is_private(tmp_path):
    folder = tmp_path / "parent" / "cache"
    done = run(folder, *CHECK)
    assert (done.returncode, done.stderr) == (0, "")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert entry_names(folder)


def test_our_folder_open_to_others_becomes_private(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o777)
    done = run(folder, *CHECK)
    assert (done.returncode, done.stderr) == (0, "")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert entry_names(folder)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root")
def test_an_open_folder_holding_someone_elses_files_is_not_closed_and_not_used(tmp_path, reference):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o777)
    for name in reference["names"]:  # well-formed JSON planted by another user while the folder was open
        (folder / name).write_text("0" * 64 + "\n[]", encoding="utf-8")
        os.chown(folder / name, OTHER_USER, OTHER_USER)
    done = run(folder, *EVAL)
    assert (done.returncode, done.stdout) == (0, reference["eval"])
    assert done.stderr.splitlines() == [
        f"warning: no cache ({folder} is open to others and holds files that are not yours); running without one"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777


def test_a_shared_folder_is_never_closed_or_used(tmp_path, reference):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o1777)  # sticky and open to all, as /tmp
    done = run(folder, *EVAL)
    assert (done.returncode, done.stdout) == (0, reference["eval"])
    assert done.stderr.splitlines() == [f"warning: no cache ({folder} is a shared folder); running without one"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o1777
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root")
def test_an_entry_someone_else_owns_is_a_miss_even_in_our_folder(tmp_path, reference):
    folder = tmp_path / "cache"
    assert run(folder, *EVAL).returncode == 0
    tree = next(name for name in entry_names(folder) if name.startswith("tree-"))
    for name in entry_names(folder):
        os.chown(folder / name, OTHER_USER, OTHER_USER)
    done = run(folder, *EVAL)
    assert (done.returncode, done.stdout, done.stderr) == (0, reference["eval"], "")
    assert (folder / tree).stat().st_uid == os.geteuid()  # parsed again and kept anew, by us


def test_a_folder_that_is_a_symbolic_link_is_not_used(tmp_path, reference):
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    done = run(link, *EVAL)
    assert (done.returncode, done.stdout) == (0, reference["eval"])
    assert done.stderr.splitlines() == [f"warning: no cache ({link} is a symbolic link); running without one"]
    assert list(real.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a folder away needs root")
def test_a_folder_owned_by_someone_else_is_not_used(tmp_path, reference):
    marker = tmp_path / "marker"
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    for name in reference["names"]:
        (folder / name).write_bytes(planted_pickles(marker)["pickle"])
    os.chown(folder, OTHER_USER, OTHER_USER)
    done = run(folder, *EVAL)
    assert (done.returncode, done.stdout) == (0, reference["eval"])
    assert done.stderr.splitlines() == [f"warning: no cache ({folder} is not owned by you); running without one"]
    assert entry_names(folder) == reference["names"]  # nothing rewritten either
    assert not marker.exists()


def test_a_folder_that_cannot_be_created_means_no_cache_and_no_fall_back(tmp_path, reference):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    folder = blocker / "cache"
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    shared_before = set(Path(tempfile.gettempdir()).glob("contractlang*"))
    done = run(folder, *EVAL, TMPDIR=str(private_tmp))
    assert (done.returncode, done.stdout) == (0, reference["eval"])
    assert done.stderr.splitlines() == [f"warning: no cache (cannot create {folder}: Not a directory); "
                                        "running without one"]
    assert list(private_tmp.iterdir()) == []
    assert set(Path(tempfile.gettempdir()).glob("contractlang*")) <= shared_before


def test_a_folder_that_is_a_file_is_not_used(tmp_path, reference):
    folder = tmp_path / "cache"
    folder.write_text("not a folder")
    done = run(folder, *EVAL)
    assert (done.returncode, done.stdout) == (0, reference["eval"])
    assert done.stderr.splitlines() == [f"warning: no cache ({folder} is not a directory); running without one"]
    assert folder.read_text() == "not a folder"


def test_an_entry_that_cannot_be_written_is_skipped_silently(tmp_path, reference):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    for name in reference["names"]:
        (folder / name).mkdir()  # every entry's name is taken by a folder: no write can succeed
    assert_same_results(folder, reference)


# -------------------------------------------------------------- syntax trees


def spans(tree: ast.Node) -> list:
    return [(type(node).__name__, node.span) for node in ast.walk(tree)]


@pytest.mark.parametrize("path", CONTRACTS)
def test_every_contract_round_trips_through_plain_data(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    tree = parse(text, path)
    plain = json.loads(json.dumps(tree_cache.tree_to_plain(tree)))
    rebuilt = tree_cache.tree_from_plain(plain)
    assert rebuilt == tree
    assert spans(rebuilt) == spans(tree)


def test_spans_in_the_file_kept_hold_no_path_and_come_back_with_it():
    path = CONTRACTS[0]
    tree = parse((ROOT / path).read_text(encoding="utf-8"), path)
    plain = json.loads(json.dumps(tree_cache.tree_to_plain(tree, path)))
    assert path not in json.dumps(plain)
    rebuilt = tree_cache.tree_from_plain(plain, path=path)
    assert spans(rebuilt) == spans(tree)
    with pytest.raises(ValueError):
        tree_cache.tree_from_plain(plain)  # a span without its path, read with none given


def test_a_span_in_another_file_keeps_its_path():
    tree = ast.Contract("t", (), (), span=Span("other.contract", 1, 1, 2, 1))
    plain = tree_cache.tree_to_plain(tree, "t.contract")
    assert plain == {"nodes": ["Contract", "t", [], []], "spans": [0, 0, 0, 0],
                     "elsewhere": [[0, ["other.contract", 1, 1, 2, 1]]]}
    assert tree_cache.tree_from_plain(plain, path="t.contract").span.path == "other.contract"


@pytest.mark.parametrize("path", CONTRACTS)
def test_a_cached_tree_equals_a_fresh_parse_spans_included(tmp_path, monkeypatch, path):
    text = (ROOT / path).read_text(encoding="utf-8")
    fresh = parse(text, path)
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    parse(text, path)
    assert len([name for name in entry_names(tmp_path / "cache") if name.startswith("tree-")]) == 1
    cached = parse(text, path)
    assert cached == fresh
    assert spans(cached) == spans(fresh)


def test_a_tree_holding_what_its_types_do_not_allow_is_not_kept(tmp_path, monkeypatch):
    from decimal import Decimal

    tree = ast.Contract("t", (), (ast.Section("§1", None, (ast.Invariant("i", (Decimal("0.1"),)),)),))
    with pytest.raises(TypeError):
        tree_cache.tree_to_plain(tree)
    (tmp_path / "cache").mkdir(mode=0o700)
    monkeypatch.setenv("CONTRACT_CACHE_DIR", str(tmp_path / "cache"))
    tree_cache.store_tree("tree-x.json", tree, "t.contract")
    assert entry_names(tmp_path / "cache") == []


def plain_tree(nodes, spans: int | list = 1, elsewhere=()) -> dict:
    """A tree's plain form: `spans` the number of nodes, each spanning line 1, or the flat list itself."""
    return {"nodes": nodes, "spans": [1, 1, 1, 2] * spans if isinstance(spans, int) else spans,
            "elsewhere": list(elsewhere)}


def in_section(*items) -> list:
    return ["Contract", "t", [], [["Section", "§1", None, list(items)]]]


def in_term(value) -> list:
    """A contract of one term, `t = value`: four nodes when the value is one."""
    return in_section(["Term", "t", None, value])


@pytest.mark.parametrize("plain", [
    plain_tree(["Contract", "t", [], [], "extra"]),                # one field too many
    plain_tree(["Contract", 3, [], []]),                           # a number for a text
    plain_tree(["Span", "p", 1, 1, 0, 0]),                         # not a contract at the root
    plain_tree(in_term(["DateLit", "2003-02-30"]), 4),
    plain_tree(in_term(["BoolLit", 1]), 4),
    plain_tree(in_section(["Name", "x"]), 3),                      # not an item of a section
    plain_tree(in_term(["Name", "x"]), [1, 1, 1, 2] * 2 + [1, 1.5, 1, 2] + [1, 1, 1, 2]),  # a span of a fraction
    plain_tree(in_term(["Name", "x"]), [True, 1, 1, 2] + [1, 1, 1, 2] * 3),  # a span of a flag
    plain_tree(in_term(["Name", "x"]), 3),                         # more nodes than spans
    plain_tree(in_term(["Name", "x"]), 5),                         # more spans than nodes
    plain_tree(["Contract", "t", [], []], 1, [[1, None]]),         # elsewhere, a node that is not there
    plain_tree(in_section(), 2, [[1, None], [0, None]]),           # elsewhere, out of order
    plain_tree(["Contract", "t", [], []], 1, [[0, [1, 1, 1, 2]]]),  # elsewhere, without a path
    plain_tree(["Contract", "t", [], [["os.system", "x"]]], 2),
    plain_tree(["Contract", "t", [], [["Node"]]], 2),
    ["Contract", "t", [], [], None],                               # the spans in the nodes
    {**plain_tree(["Contract", "t", [], []]), "code": "print(1)"},  # a key more
])
def test_wrong_shaped_plain_trees_are_refused(plain):
    with pytest.raises(ValueError):
        tree_cache.tree_from_plain(json.loads(json.dumps(plain)), path="t.contract")


def test_a_plain_tree_of_the_right_shape_is_read():
    """Of the shape the refused ones above miss: the refusals are not of everything."""
    plain = plain_tree(in_term(["Name", "x"]), [3, 1, 3, 2, 2, 1, 2, 2, 1, 1, 1, 2, 0, 0, 0, 0],
                       [[3, ["o.contract", 4, 1, 4, 2]]])
    tree = tree_cache.tree_from_plain(plain, path="t.contract")
    assert tree == ast.Contract("t", (), (ast.Section("§1", None, (ast.Term("t", None, ast.Name("x")),)),))
    assert [node.span for node in ast.walk(tree)] == [  # children first in the plain form, parents first here
        Span("o.contract", 4, 1, 4, 2), Span("t.contract", 1, 1, 1, 2), Span("t.contract", 2, 1, 2, 2),
        Span("t.contract", 3, 1, 3, 2)]


# ---------------------------------------------------- fuzz: planted entries


def json_values():
    scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.sampled_from(
        ["Contract", "Section", "Name", "Span", "tuple", "2003-01-01", "§1", "__type__", "@"])
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=6)
                        | st.dictionaries(st.text(max_size=6) | st.sampled_from(["data", "memo", "__type__", "@"]),
                                          inner, max_size=4), max_leaves=30)


def shortened_node(plain, choice: int):
    """The plain tree with one node's last field removed: a tree of the wrong shape."""
    nodes = []

    def collect(value):
        if isinstance(value, list):
            if value and isinstance(value[0], str) and value[0][:1].isupper():
                nodes.append(value)
            for item in value:
                collect(item)

    collect(plain["nodes"])
    nodes[choice % len(nodes)].pop()
    return plain


def planted_contents(genuine: bytes):
    text_entries = st.one_of(
        st.binary(max_size=200),
        json_values().map(lambda value: json.dumps(value).encode()),
        # one byte changed to another (a byte replaced by itself would be the genuine entry)
        st.tuples(st.integers(0, len(genuine) - 1), st.integers(1, 255)).map(
            lambda change: genuine[:change[0]] + bytes([(genuine[change[0]] + change[1]) % 256])
            + genuine[change[0] + 1:]),
        st.integers(0, len(genuine) - 1).map(lambda cut: genuine[:cut]),
    )
    return st.one_of(text_entries.map(lambda content: ("bytes", content)),
                     json_values().map(lambda value: ("stored", value)))


SMALL = '''contract "Fuzzed cache"
currency USD
§1 "Terms" {
  term principal = 1_000.00 USD
  schedule dates = every Mar 10, Sep 10 from 2003-03-10 to 2004-09-10
  on each d in dates {
    pay principal * 1% from "Company" to "Holder" as interest, due d
  }
}
'''


@pytest.fixture(scope="module")
def small_tree_entry(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small") / "cache"
    os.environ["CONTRACT_CACHE_DIR"] = str(folder)
    try:
        parse(SMALL, "small.contract")
        (name,) = [name for name in entry_names(folder) if name.startswith("tree-")]
        return name, (folder / name).read_bytes(), cache.load(name)
    finally:
        del os.environ["CONTRACT_CACHE_DIR"]


@PLANTED
@given(data=st.data())
def test_fuzz_planted_tree_entries_are_misses(tmp_path_factory, small_tree_entry, data):
    name, genuine, plain = small_tree_entry
    folder = tmp_path_factory.mktemp("fuzz") / "cache"
    os.environ["CONTRACT_CACHE_DIR"] = str(folder)
    try:
        fresh = parse(SMALL, "small.contract")
        kind, content = data.draw(st.one_of(
            planted_contents(genuine),
            st.integers(0, 10_000).map(lambda choice: ("stored", shortened_node(json.loads(json.dumps(plain)), choice)))))
        if kind == "bytes":
            (folder / name).write_bytes(content)
        else:
            cache.store(name, content)
        cached = parse(SMALL, "small.contract")
        assert cached == fresh
        assert spans(cached) == spans(fresh)
    finally:
        del os.environ["CONTRACT_CACHE_DIR"]


@pytest.fixture(scope="module")
def parser_tables_entry(reference):
    (name,) = [name for name in reference["names"] if name.startswith("grammar-")]
    return name, (reference["folder"] / name).read_bytes()


@settings(PLANTED, max_examples=40)
@given(data=st.data())
def test_fuzz_planted_parser_tables_are_misses(tmp_path_factory, parser_tables_entry, data):
    name, genuine = parser_tables_entry
    tables = json.loads(genuine.decode().split("\n", 1)[1])
    folder = tmp_path_factory.mktemp("tables")
    os.environ["CONTRACT_CACHE_DIR"] = str(folder)
    try:
        kind, content = data.draw(planted_contents(genuine) | st.tuples(
            st.just("stored"),
            st.fixed_dictionaries({"data": json_values() | st.just(tables["data"]),
                                   "memo": json_values()}) | st.fixed_dictionaries({"data": json_values(),
                                                                                    "memo": st.just(tables["memo"])})))
        if kind == "bytes":
            (folder / name).write_bytes(content)
        else:
            cache.store(name, content)
        assert parser_tables.load_lark(name, {"propagate_positions": True}) is None
    finally:
        del os.environ["CONTRACT_CACHE_DIR"]


@settings(PLANTED, max_examples=6)
@given(data=st.data())
def test_fuzz_planted_entries_under_every_name_give_the_same_results(tmp_path_factory, reference, data):
    folder = tmp_path_factory.mktemp("every") / "cache"
    folder.mkdir(mode=0o700)
    marker = folder.parent / "marker"
    for name in reference["names"]:
        genuine = (reference["folder"] / name).read_bytes()
        kind, content = data.draw(planted_contents(genuine) | st.just(("bytes", planted_pickles(marker)["pickle"])))
        if kind == "bytes":
            (folder / name).write_bytes(content)
        else:
            os.environ["CONTRACT_CACHE_DIR"] = str(folder)
            try:
                cache.store(name, content)
            finally:
                del os.environ["CONTRACT_CACHE_DIR"]
    evaluated = run(folder, *EVAL)
    assert (evaluated.returncode, evaluated.stderr, evaluated.stdout) == (0, "", reference["eval"])
    assert not marker.exists()
