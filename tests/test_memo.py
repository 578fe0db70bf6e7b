"""`contract render`: the memo parses as HTML, its links land on sections, its picture has a mark per payment.

The memos are built once per module from the repository's own contracts and
scenarios, and read back with html5lib (strict: any parse error fails) and,
for the picture, with xml.etree.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import skip_unless_ci
from contractlang.cli import main
from contractlang.language.checker import load

ROOT = Path(__file__).resolve().parents[1]
BOND = ROOT / "contracts" / "examples" / "fixed_rate_bond.contract"
BOND_REDEMPTION = ROOT / "scenarios" / "bond_redemption.toml"
NOTE_2002 = ROOT / "contracts" / "nstor_2002_subordinated_note.contract"
NOTE_2002_CONVERSIONS = ROOT / "scenarios" / "nstor_2002_conversions.toml"
SVG = "{http://www.w3.org/2000/svg}"

html5lib = pytest.importorskip("html5lib", reason="html5lib comes with the test extra")


def render(tmp_path: Path, *arguments: str, name: str = "memo.html"):
    target = tmp_path / name
    outcome = CliRunner().invoke(main, ["render", *arguments, "-o", str(target)])
    return outcome, target


def parsed(path: Path):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bond_memo(tmp_path_factory):
    """The bond with its redemption scenario: a refused redemption, then one with proper notice."""
    outcome, target = render(tmp_path_factory.mktemp("bond"), str(BOND), str(BOND_REDEMPTION))
    assert outcome.exit_code == 0, outcome.output
    return target


@pytest.fixture(scope="module")
def note_memo(tmp_path_factory):
    """The 2002 note with two conversions: payments and shares issued."""
    outcome, target = render(tmp_path_factory.mktemp("note"), str(NOTE_2002), str(NOTE_2002_CONVERSIONS))
    assert outcome.exit_code == 0, outcome.output
    return target


def effects_of(contract: Path, scenario: Path) -> list[dict]:
    outcome = CliRunner().invoke(main, ["eval", str(contract), str(scenario), "--format", "json"])
    assert outcome.exit_code == 0, outcome.output
    return json.loads(outcome.stdout)["effects"]


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def test_the_memo_is_html_that_a_strict_parser_reads_without_an_error(bond_memo, note_memo):
    for memo in (bond_memo, note_memo):
        document = parsed(memo)
        assert document.find(".//title").text == {bond_memo: "5% Fixed-Rate Bond with Quarterly Coupons",
                                                   note_memo: "8% Convertible Subordinated Promissory Note"}[memo]


def test_every_section_of_the_contract_appears_with_its_label_and_title(note_memo):
    sections = parsed(note_memo).findall(".//section")
    headings = [text_of(s.find("h3")) for s in sections]
    assert len(headings) == 33
    assert headings == [f"{s.label} {s.title}" for s in load(str(NOTE_2002)).tree.sections]
    assert headings[:3] == ["§legend Securities-law legend", "§(i) Principal and Maturity", "§(ii) Interest"]
    assert headings[-1] == "§invariants Properties of every scenario"


def test_every_effect_links_to_the_section_of_its_clause(bond_memo):
    document = parsed(bond_memo)
    sections = {s.get("id"): text_of(s.find("h3")) for s in document.findall(".//section")}
    rows = document.findall(".//tr[@id]")
    assert len(rows) == 12
    for row in rows:
        link = row.find(".//a[@class='clause-link']")
        assert link.get("href").startswith("#")
        assert sections[link.get("href")[1:]].startswith(link.text + " ")
    assert [row.find(".//a[@class='clause-link']").text for row in rows] == ["§2"] * 5 + ["§3"] + ["§2"] * 3 + ["§3"] * 3


def test_every_internal_link_of_the_page_lands_on_an_element(note_memo):
    document = parsed(note_memo)
    ids = {element.get("id") for element in document.iter() if element.get("id")}
    links = [a.get("href")[1:] for a in document.iter("a") if a.get("href", "").startswith("#")]
    assert len(links) > 100 and all(target in ids for target in links)


def test_a_sub_clause_that_is_no_section_links_to_the_section_it_continues(tmp_path):
    outcome, target = render(tmp_path, str(ROOT / "contracts" / "nstor_2003_convertible_note.contract"),
                             str(ROOT / "scenarios" / "nstor_2003_default_covenant_acceleration.toml"))
    assert outcome.exit_code == 0, outcome.output
    links = {(a.text, a.get("href")) for a in parsed(target).iter("a") if a.get("class") == "clause-link"}
    assert {("§5(i)", "#s-5"), ("§5(vi)", "#s-5")} <= links
    assert all(href == "#s-" + re.sub(r"[^a-z0-9]+", "-", clause.lower().lstrip("§")).strip("-")
               for clause, href in links if clause not in ("§5(i)", "§5(vi)"))


def test_the_timeline_gives_exact_amounts_and_each_explanation_in_a_details(bond_memo):
    document = parsed(bond_memo)
    rows = {row.get("id"): row for row in document.findall(".//tr[@id]")}
    interest = rows["effect-10"]
    cells = [text_of(cell) for cell in interest.findall("td")]
    assert cells[1:6] == ["2026-03-16", "payment", "2,118.06 USD", "§3", "event 2 (Redemption)"]
    steps = [text_of(li) for li in interest.findall(".//details/ol/li")]
    assert steps[1] == "§3 250000 × 5% × 61/360 (30/360) over [2026-01-15, 2026-03-16) = 2118.055555555555555555555556"
    assert text_of(rows["effect-11"].findall("td")[3]) == "250,000.00 USD"
    assert "Redemption rejected: the bond may be redeemed only from its second anniversary" in text_of(rows["effect-6"])
    assert len(document.findall(".//details")) == 12


def test_the_final_state_and_the_assumptions_in_force_are_listed(bond_memo):
    document = parsed(bond_memo)
    final_state = document.findall(".//table")[-1]
    state = {text_of(tr.findall("td")[0]): text_of(tr.findall("td")[1]) for tr in final_state.iter("tr") if tr.findall("td")}
    assert state == {"outstanding_principal": "0.00", "status": "redeemed", "accrued_interest": "0.00"}
    assumptions = [[text_of(td) for td in tr.findall("td")] for tr in document.findall(".//table")[1].iter("tr")]
    assert assumptions[1:] == [
        ["day_count", "DayCount", '"30/360"', "a bond of this kind counts thirty-day months", "30/360 (contract)", "§2"],
        ["calendar", "Calendar", '"US-NY"', "the bond is payable in New York", "US-NY (contract)", "§4"]]


def test_the_term_sheet_shows_what_the_scenario_gave_a_parameter(bond_memo):
    rows = [[text_of(td) for td in tr.findall("td")] for tr in parsed(bond_memo).findall(".//table")[0].iter("tr")]
    assert ["face_value", "parameter", "USD", "1_000_000.00 USD", "250000.00 (scenario)", "§1"] in rows
    assert ["coupon_rate", "term", "Decimal", "5%", "", "§2"] in rows


def test_a_section_shows_its_text_beside_its_rules_and_the_examples_that_defend_it(bond_memo):
    section = parsed(bond_memo).find(".//section[@id='s-2']")
    assert text_of(section.find(".//blockquote")).startswith("Interest accrues at 5% a year from the Issue Date")
    rules = text_of(section.find(".//div[@class='computation']"))
    assert "accrual coupon { on: outstanding_principal" in rules
    assert "example “each quarterly coupon is 5% / 4 of the face value under 30/360” (written in §examples)" in \
        text_of(section.find(".//div[@class='document']"))
    assert "invariant “a later horizon never changes what happened before the earlier one” over a later horizon" in \
        text_of(section.find(".//div[@class='document']"))


def picture(memo: Path):
    """The inline SVG, read as XML on its own."""
    text = memo.read_text(encoding="utf-8")
    start, end = text.index("<svg"), text.index("</svg>") + len("</svg>")
    return ET.fromstring(text[start:end])


def test_the_picture_is_well_formed_svg_with_one_mark_per_payment(bond_memo, note_memo):
    for memo, contract, scenario in ((bond_memo, BOND, BOND_REDEMPTION), (note_memo, NOTE_2002, NOTE_2002_CONVERSIONS)):
        svg = picture(memo)
        assert svg.tag == f"{SVG}svg"
        ids = [g.get("id") for g in svg.iter(f"{SVG}g") if g.get("id")]
        effects = effects_of(contract, scenario)
        payments = [e for e in effects if e["kind"] == "payment"]
        issues = [e for e in effects if e["kind"] == "issue"]
        assert sorted(i for i in ids if i.startswith("payment-")) == sorted(f"payment-{n}" for n in range(1, len(payments) + 1))
        assert sorted(i for i in ids if i.startswith("issue-")) == sorted(f"issue-{n}" for n in range(1, len(issues) + 1))
    assert (len([i for i in ids if i.startswith("payment-")]), len([i for i in ids if i.startswith("issue-")])) == (14, 2)


def test_the_picture_draws_what_is_outstanding_over_time(bond_memo):
    titles = [text_of(t) for t in picture(bond_memo).iter(f"{SVG}text")]
    assert "Payments by date and purpose" in titles
    assert "Outstanding principal at the end of each day" in titles


def test_the_page_needs_no_script_and_fetches_nothing(note_memo):
    document = parsed(note_memo)
    assert document.findall(".//script") == []
    assert document.findall(".//link") == []
    references = [e.get(a) for e in document.iter() for a in ("src", "href") if e.get(a)]
    assert all(r.startswith("#") for r in references)


def test_the_same_inputs_give_the_same_file(tmp_path, bond_memo):
    outcome, again = render(tmp_path, str(BOND), str(BOND_REDEMPTION))
    assert outcome.exit_code == 0
    assert again.read_bytes() == bond_memo.read_bytes()


def test_without_a_scenario_the_memo_has_the_terms_and_no_timeline(tmp_path):
    outcome, target = render(tmp_path, str(BOND), "--set", "face_value=500000")
    assert outcome.exit_code == 0, outcome.output
    document = parsed(target)
    assert document.find(".//*[@id='timeline']") is None and document.find(".//svg") is None
    assert len(document.findall(".//section")) == 8
    assert "500000.00 (command line)" in text_of(document.findall(".//table")[0])


def test_text_from_the_contract_is_escaped_not_markup(tmp_path):
    contract = tmp_path / "odd.contract"
    contract.write_text('contract "A <b>bold</b> & odd note"\n\n§1 "Terms <i>" {\n'
                        '  text "<script>alert(1)</script>"\n  term rate = 5%\n}\n', encoding="utf-8")
    outcome, target = render(tmp_path, str(contract))
    assert outcome.exit_code == 0, outcome.output
    document = parsed(target)
    assert document.findall(".//script") == [] and document.findall(".//b") == []
    assert document.find(".//h1").text == "A <b>bold</b> & odd note"
    assert text_of(document.find(".//blockquote")) == "<script>alert(1)</script>"


def test_a_bad_contract_is_a_diagnostic_with_its_position(tmp_path):
    contract = tmp_path / "bad.contract"
    contract.write_text('contract "bad"\n\n§1 "Terms" {\n  term rate = 5% +\n}\n', encoding="utf-8")
    outcome, target = render(tmp_path, str(contract))
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith(f"{contract}:5:1: error: ")
    assert "^" in outcome.stderr and "Traceback" not in outcome.stderr
    assert not target.exists()


def test_an_output_that_is_neither_html_nor_pdf_is_wrong_use(tmp_path):
    outcome, _ = render(tmp_path, str(BOND), name="memo.docx")
    assert outcome.exit_code == 2
    assert "should end in .html or .pdf" in outcome.stderr


def test_without_weasyprint_a_pdf_is_a_one_line_error_naming_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    outcome, target = render(tmp_path, str(BOND), name="memo.pdf")
    assert outcome.exit_code == 1
    assert outcome.stderr == ("error: writing a PDF needs WeasyPrint and its system libraries (Pango): "
                              "pip install 'contractlang[pdf]'\n")
    assert not target.exists()


@pytest.mark.parametrize("library", ["jinja2", "matplotlib", "pygments"])
def test_without_the_memo_extra_rendering_is_a_one_line_error_naming_it(tmp_path, monkeypatch, library):
    for name in [m for m in sys.modules if m.partition(".")[0] == library]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, library, None)  # as if it were not installed
    outcome, _ = render(tmp_path, str(BOND), str(BOND_REDEMPTION))
    assert outcome.exit_code == 1
    assert outcome.stderr == ("error: rendering a memo needs jinja2, matplotlib and Pygments: "
                              "pip install 'contractlang[memo]'\n")


def test_a_pdf_is_written_where_weasyprint_is_installed(tmp_path):
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        skip_unless_ci("WeasyPrint (the pdf extra) is not installed")
    outcome, target = render(tmp_path, str(BOND), str(BOND_REDEMPTION), name="memo.pdf")
    assert outcome.exit_code == 0, outcome.output
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 20_000


def test_contract_help_imports_none_of_the_memo_libraries():
    program = ("import sys\nfrom contractlang.cli import main\n"
               "for arguments in (['--help'], ['render', '--help']):\n"
               "    try:\n        main(arguments, prog_name='contract')\n    except SystemExit:\n        pass\n"
               "print(sorted(m for m in ('jinja2', 'matplotlib', 'weasyprint', 'pygments', 'selenium') if m in sys.modules))")
    shown = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    assert shown.splitlines()[-1] == "[]"
    assert "contract render [OPTIONS] CONTRACT [SCENARIO]" in shown
