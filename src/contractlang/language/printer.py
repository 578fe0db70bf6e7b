"""The canonical layout of a contract, for `contract fmt`.

The printer's output parses back to the same tree (`parse(print(t)) == t`),
keeps the author's literals as written and keeps comments, each before the
declaration or statement it preceded. Layout: two-space indentation, one
declaration or statement per line, a blank line between sections, long
statements broken before their options or their `else`.
"""

from __future__ import annotations

from . import ast
from .parser import parse_with_comments

INDENT = "  "
WIDTH = 100

# binding strength of operators: higher binds tighter
_PRECEDENCE = {"??": 1, "or": 2, "and": 3, "==": 5, "!=": 5, "<": 5, "<=": 5, ">": 5, ">=": 5, "in": 5,
               "+": 6, "-": 6, "*": 7, "/": 7}


def format_contract(tree: ast.Contract, text: str | None = None) -> str:
    """The canonical text of a contract; `text` (the original source) supplies its comments."""
    comments: list[tuple[int, str]] = []
    if text is not None:
        _, comments = parse_with_comments(text, tree.span.path if tree.span else "<contract>")
    return _Printer(comments).contract(tree)


class _Printer:
    def __init__(self, comments: list[tuple[int, str]]):
        self.comments = sorted(comments)
        self.lines: list[str] = []
        self.last_line = 0  # the source line where the last printed node ended

    # ----------------------------------------------------------- comments
    def flush_comments(self, before_line: int | None, depth: int) -> None:
        while self.comments and (before_line is None or self.comments[0][0] < before_line):
            _, comment = self.comments.pop(0)
            self.lines.append(INDENT * depth + comment)

    def lead(self, node: ast.Node, depth: int) -> None:
        """Comments before a node, and one blank line where the author left at least one."""
        if node.span is None:
            return
        first = node.span.line
        if self.comments and self.comments[0][0] < first:
            first = self.comments[0][0]
        opened = self.lines and self.lines[-1].endswith("{")
        if self.last_line and first > self.last_line + 1 and not opened and self.lines and self.lines[-1]:
            self.lines.append("")
        self.flush_comments(node.span.line, depth)
        self.last_line = node.span.line

    def close(self, node: ast.Node, depth: int) -> None:
        if node.span is not None:
            self.flush_comments(node.span.end_line, depth + 1)

    def emit(self, depth: int, text: str) -> None:
        self.lines.append(INDENT * depth + text)

    # ----------------------------------------------------------- the file
    def contract(self, tree: ast.Contract) -> str:
        self.lead(tree, 0)
        self.emit(0, f"contract {string(tree.title)}")
        if tree.declarations:
            self.lines.append("")
        previous = None
        for declaration in tree.declarations:
            if previous is not None and type(previous) is not type(declaration):
                self.lines.append("")
            self.lead(declaration, 0)
            self.emit(0, self.declaration(declaration))
            previous = declaration
        for section in tree.sections:
            if self.lines[-1]:
                self.lines.append("")
            self.section(section)
            self.last_line = section.span.end_line if section.span else self.last_line
        self.flush_comments(None, 0)
        return "\n".join(self.lines) + "\n"

    def declaration(self, node) -> str:
        if isinstance(node, ast.EnumDecl):
            return f"enum {node.name} {{ {', '.join(node.members)} }}"
        keyword = "currency" if isinstance(node, ast.CurrencyDecl) else "security"
        described = f" {string(node.description)}" if node.description is not None else ""
        coded = f" = {node.code}" if isinstance(node, ast.CurrencyDecl) and node.code is not None else ""
        return f"{keyword} {node.name}{described}{coded}"

    def section(self, section: ast.Section) -> None:
        self.lead(section, 0)
        title = f" {string(section.title)}" if section.title is not None else ""
        self.emit(0, f"{section.label}{title} {{")
        for item in section.items:
            self.item(item, 1)
        self.close(section, 0)
        self.emit(0, "}")

    # ----------------------------------------------------------- items
    def item(self, node: ast.Item, depth: int) -> None:
        self.lead(node, depth)
        self._item(node, depth)
        if node.span is not None:
            self.last_line = node.span.end_line

    def _item(self, node: ast.Item, depth: int) -> None:
        if isinstance(node, ast.TextItem):
            self.emit(depth, f"text {string(node.text, node.long)}")
        elif isinstance(node, ast.NotComputed):
            rest = f" {string(node.text, node.long)}" if node.text is not None else ""
            self.emit(depth, f"not computed{rest}")
        elif isinstance(node, ast.Parameter):
            default = f" = {expr(node.default)}" if node.default is not None else ""
            self.emit(depth, f"parameter {node.name}: {type_text(node.type)}{default}")
        elif isinstance(node, ast.Assumption):
            self.emit(depth, f"assumption {node.name}: {type_text(node.type)} = {expr(node.default)}")
            self.emit(depth + 2, f"because {string(node.reason)}")
        elif isinstance(node, ast.Term):
            typed = f": {type_text(node.type)}" if node.type is not None else ""
            self.long_line(depth, f"term {node.name}{typed} = ", node.value)
        elif isinstance(node, ast.StateDecl):
            prefix = "parameter state" if node.settable else ("private state" if node.private else "state")
            self.emit(depth, f"{prefix} {node.name}: {type_text(node.type)} = {expr(node.initial)}")
        elif isinstance(node, ast.Report):
            self.long_line(depth, f"report {node.name} = ", node.value)
        elif isinstance(node, ast.Horizon):
            self.emit(depth, f"horizon {expr(node.value)}")
        elif isinstance(node, ast.ScheduleDecl):
            self.long_line(depth, f"schedule {node.name} = ", node.value)
        elif isinstance(node, ast.MarketDecl):
            self.emit(depth, f"market {node.name}: {type_text(node.type)}")
        elif isinstance(node, ast.Precondition):
            self.conditional_line(depth, "require", node.condition, node.reason)
        elif isinstance(node, ast.TimeZoneDecl):
            self.emit(depth, f"time zone {string(node.zone)}")
        elif isinstance(node, ast.AccrualDecl):
            self.emit(depth, f"accrual {node.name} {{")
            for field in node.fields:
                self.lead(field, depth + 1)
                self.emit(depth + 1, f"{field.name}: {expr(field.value)}")
            self.close(node, depth)
            self.emit(depth, "}")
        elif isinstance(node, ast.EventDecl):
            effective = f" effective {expr(node.effective)}" if node.effective is not None else ""
            timed = f" at {node.time_field}" if node.time_field is not None else ""
            if not node.fields:
                self.emit(depth, f"event {node.name}{timed} {{}}{effective}")
            else:
                self.emit(depth, f"event {node.name}{timed} {{")
                for field in node.fields:
                    self.lead(field, depth + 1)
                    self.emit(depth + 1, field_decl(field))
                self.close(node, depth)
                self.emit(depth, "}" + effective)
        elif isinstance(node, ast.UponRule):
            self.block_line(depth, f"upon {node.event} as {node.binder}", node.body, node)
        elif isinstance(node, ast.OnEachRule):
            self.block_line(depth, f"on each {node.variable} in {expr(node.dates)}", node.body, node)
        elif isinstance(node, ast.OnDateRule):
            self.block_line(depth, f"on {expr(node.date)}", node.body, node)
        elif isinstance(node, ast.Action):
            parameters = ", ".join(field_decl(p) for p in node.parameters)
            self.block_line(depth, f"action {node.name}({parameters})", node.body, node)
        elif isinstance(node, ast.Snapshot):
            entries = [f"{o.name} = {expr(o.value)}" for o in node.entries]
            if len(INDENT * depth + "snapshot " + ", ".join(entries)) <= WIDTH:
                self.emit(depth, "snapshot " + ", ".join(entries))
            else:  # one entry a line
                self.emit(depth, "snapshot " + entries[0] + ("," if len(entries) > 1 else ""))
                for index, entry in enumerate(entries[1:], start=2):
                    self.emit(depth + 2, entry + ("," if index < len(entries) else ""))
        elif isinstance(node, ast.Function):
            parameters = ", ".join(field_decl(p) for p in node.parameters)
            self.long_line(depth, f"function {node.name}({parameters}) = ", node.body)
        elif isinstance(node, ast.Invariant):
            cites = f" {node.cites}" if node.cites else ""
            self.block_line(depth, f"invariant {string(node.name)}{cites}{variation(node.variation)}", node.body, node)
        elif isinstance(node, ast.Generate):
            target = node.name + (f".{node.field}" if node.field else "")
            upper = f" to {expr(node.high)}" if node.high is not None else ""
            self.emit(depth, f"generate {target} from {expr(node.low)}{upper}")
        elif isinstance(node, ast.Example):
            cites = f" {node.cites}" if node.cites else ""
            self.emit(depth, f"example {string(node.name)}{cites} {{")
            for given in node.items:
                self.lead(given, depth + 1)
                self.emit(depth + 1, example_item(given))
            self.close(node, depth)
            self.emit(depth, "}")
        else:  # pragma: no cover - every item is printed above
            raise TypeError(type(node).__name__)

    def conditional_line(self, depth: int, keyword: str, condition: ast.Expr, reason: str) -> None:
        line = f"{keyword} {expr(condition)} else {string(reason)}"
        if len(INDENT * depth + line) <= WIDTH:
            self.emit(depth, line)
        else:
            self.long_line(depth, f"{keyword} ", condition)
            self.emit(depth + 2, f"else {string(reason)}")

    def long_line(self, depth: int, prefix: str, node: ast.Expr) -> None:
        """An expression after a prefix, broken when too long: before its outermost operators, at each
        branch of an `if ... then ... else` chain, or between the elements of a list."""
        text = prefix + expr(node)
        if len(INDENT * depth + text) <= WIDTH:
            self.emit(depth, text)
            return
        if isinstance(node, ast.IfExpr):
            if isinstance(node.otherwise, ast.IfExpr):  # a chain: one branch a line
                self.long_line(depth, f"{prefix}if {expr(node.condition)} then ", node.then)
                branch = node.otherwise
                while isinstance(branch, ast.IfExpr):
                    self.long_line(depth + 2, f"else if {expr(branch.condition)} then ", branch.then)
                    branch = branch.otherwise
                self.long_line(depth + 2, "else ", branch)
            else:
                self.emit(depth, f"{prefix}if {expr(node.condition)}")
                self.long_line(depth + 2, "then ", node.then)
                self.long_line(depth + 2, "else ", node.otherwise)
            return
        if isinstance(node, ast.Call) and node.arguments:  # the values packed on lines after the parenthesis
            pieces = [(f"{a.name}: " if a.name else "") + expr(a.value) for a in node.arguments]
            self.packed(depth, f"{prefix}{node.function}(", pieces, ")")
            return
        if isinstance(node, ast.ListExpr) and node.items:
            line, width = prefix + "[", WIDTH - len(INDENT) * depth
            for index, item in enumerate(node.items):
                piece = expr(item) + ("]" if index == len(node.items) - 1 else ",")
                if line.endswith(("[", ",")) and len(line) + 1 + len(piece) > width and not line.endswith("["):
                    self.emit(depth, line)
                    line, width = INDENT * 2 + piece, WIDTH - len(INDENT) * depth
                else:
                    line += ("" if line.endswith("[") else " ") + piece
            self.emit(depth, line)
            return
        if not isinstance(node, ast.Binary) or node.operator == "??":
            self.emit(depth, text)
            return
        operator, parts = node.operator, []
        while isinstance(node, ast.Binary) and node.operator == operator:
            parts.append(node.right)
            node = node.left
        strength = _PRECEDENCE[operator]
        self.emit(depth, prefix + expr(node, strength))
        for part in reversed(parts):
            self.emit(depth + 2, f"{operator} {expr(part, strength + 1)}")

    def packed(self, depth: int, head: str, pieces: list[str], close: str) -> None:
        """`head` and comma-separated pieces packed onto lines of the width, continued two levels in."""
        line, width = head, WIDTH - len(INDENT) * depth
        for index, piece in enumerate(pieces):
            piece += close if index == len(pieces) - 1 else ","
            if line != head and len(line) + 1 + len(piece) > width:
                self.emit(depth, line)
                line = INDENT * 2 + piece
            else:
                line += ("" if line == head else " ") + piece
        self.emit(depth, line)

    def block_line(self, depth: int, head: str, body, node: ast.Node | None, keyword_close: str = "}") -> None:
        self.emit(depth, head + " {")
        for statement in body:
            self.statement(statement, depth + 1)
        if node is not None:
            self.close(node, depth)
        self.emit(depth, keyword_close)

    # ----------------------------------------------------------- statements
    def statement(self, node: ast.Statement, depth: int) -> None:
        self.lead(node, depth)
        self._statement(node, depth)
        if node.span is not None:
            self.last_line = node.span.end_line

    def _statement(self, node: ast.Statement, depth: int) -> None:
        if isinstance(node, ast.Let):
            self.long_line(depth, f"let {node.name} = ", node.value)
        elif isinstance(node, ast.SetState):
            effective = f" from {expr(node.effective)}" if node.effective is not None else ""
            self.emit(depth, f"set {node.name} = {expr(node.value)}{effective}")
        elif isinstance(node, ast.Adjust):
            self.emit(depth, f"adjust {node.name} = {expr(node.value)}")
        elif isinstance(node, ast.Record):
            self.with_options(depth, f"record {node.name} = {expr(node.value)}", node.options)
        elif isinstance(node, ast.Pay):
            head = f"pay {expr(node.amount)} from {expr(node.payer)} to {expr(node.payee)} as {node.purpose}"
            self.with_options(depth, head, node.options)
        elif isinstance(node, ast.Issue):
            head = f"issue {expr(node.quantity)} of {expr(node.security)} to {expr(node.recipient)}"
            self.with_options(depth, head, node.options)
        elif isinstance(node, ast.Votes):
            self.emit(depth, f"votes {expr(node.quantity)} to {expr(node.holder)}")
        elif isinstance(node, ast.Reject):
            self.emit(depth, f"reject {string(node.reason)}")
        elif isinstance(node, ast.Require):
            self.conditional_line(depth, "require", node.condition, node.reason)
        elif isinstance(node, ast.Check):
            self.conditional_line(depth, "check", node.condition, node.message)
        elif isinstance(node, ast.If):
            for index, (condition, body) in enumerate(node.branches):
                head = f"if {expr(condition)} {{" if index == 0 else f"}} else if {expr(condition)} {{"
                self.emit(depth, head)
                for statement in body:
                    self.statement(statement, depth + 1)
            if node.otherwise is not None:
                self.emit(depth, "} else {")
                for statement in node.otherwise:
                    self.statement(statement, depth + 1)
            self.close(node, depth)
            self.emit(depth, "}")
        elif isinstance(node, ast.Cite):
            self.block_line(depth, node.section, node.body, node)
        elif isinstance(node, ast.Defer):
            named = f" as {node.name}" if node.name is not None else ""
            self.block_line(depth, f"on {expr(node.date)}{named}", node.body, node)
        elif isinstance(node, ast.Cancel):
            self.emit(depth, f"cancel {node.name}")
        elif isinstance(node, ast.Claim):
            self.emit(depth, f"upon {node.event} as {node.binder} {{")
            for statement in node.body:
                self.statement(statement, depth + 1)
            if node.otherwise is not None:
                self.emit(depth, "} otherwise {")
                for statement in node.otherwise:
                    self.statement(statement, depth + 1)
            self.close(node, depth)
            self.emit(depth, "}")
        elif isinstance(node, ast.Stop):
            self.emit(depth, f"stop {node.accrual}")
        elif isinstance(node, ast.Rebase):
            self.emit(depth, f"rebase {node.market} by {expr(node.ratio)}")
        elif isinstance(node, ast.Do):
            self.emit(depth, f"do {node.action}({', '.join(expr(a) for a in node.arguments)})")
        elif isinstance(node, ast.ForEach):
            self.block_line(depth, f"for {node.variable} in {expr(node.source)}", node.body, node)
        else:  # pragma: no cover
            raise TypeError(type(node).__name__)

    def with_options(self, depth: int, head: str, options) -> None:
        rendered = [f"{o.name} {expr(o.value)}" for o in options]
        line = ", ".join([head] + rendered)
        if not rendered or len(INDENT * depth + line) <= WIDTH:
            self.emit(depth, line)
        else:
            self.emit(depth, head + ",")
            self.emit(depth + 2, ", ".join(rendered))


# ------------------------------------------------------------- fragments

def string(text: str, long: bool = False) -> str:
    if long:
        return f'"""{text}"""'
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def type_text(node: ast.TypeExpr) -> str:
    if node.name == "List":
        return f"List of {type_text(node.element)}"
    text = node.name + (f" per {node.per}" if node.per else "")
    return text + ("?" if node.optional else "")


def field_decl(field: ast.FieldDecl) -> str:
    default = f" = {expr(field.default)}" if field.default is not None else ""
    return f"{field.name}: {type_text(field.type)}{default}"


def variation(node: ast.Variation | None) -> str:
    if node is None:
        return ""
    if node.kind == "later_horizon":
        return " over a later horizon"
    if node.kind == "without_rejected":
        return " over the scenario without its rejected events"
    if node.kind == "parameter_changed":
        return f" over the scenario with {node.event} {node.change} {expr(node.amount)}"
    fields = ", ".join(f"{f.name}: {expr(f.value)}" for f in node.fields)
    return f" over the scenario with {node.event} {{ {fields} }} before each {node.before}"


def example_item(node) -> str:
    if isinstance(node, ast.GivenScenario):
        return f"scenario {string(node.path)}"
    if isinstance(node, ast.GivenUntil):
        return f"until {expr(node.value)}"
    if isinstance(node, ast.GivenParam):
        return f"set {node.name} = {expr(node.value)}"
    if isinstance(node, ast.GivenAssume):
        return f"assume {node.name} = {expr(node.value)}"
    if isinstance(node, ast.GivenPrice):
        return f"price {expr(node.date)} = {expr(node.price)}"
    if isinstance(node, ast.GivenEvent):
        fields = ", ".join(f"{f.name}: {expr(f.value)}" for f in node.fields)
        return f"event {node.type} on {expr(node.date)}" + (f" {{ {fields} }}" if node.fields else "")
    if isinstance(node, ast.Expectation):
        return f"expect {expr(node.condition)}"
    raise TypeError(type(node).__name__)  # pragma: no cover


def expr(node: ast.Expr, context: int = 0) -> str:
    """An expression's text, parenthesised only where its operators need it."""
    if isinstance(node, ast.NumberLit):
        if node.unit is None:
            return node.text
        return f"{node.text} {node.unit.name}" + (f" per {node.unit.per}" if node.unit.per else "")
    if isinstance(node, ast.PercentLit):
        return f"{node.text}%"
    if isinstance(node, ast.DateLit):
        return node.value.isoformat()
    if isinstance(node, ast.TimeLit):
        return node.text
    if isinstance(node, ast.StringLit):
        return string(node.value, node.long)
    if isinstance(node, ast.BoolLit):
        return "true" if node.value else "false"
    if isinstance(node, ast.NoneLit):
        return "none"
    if isinstance(node, ast.Name):
        return node.name
    if isinstance(node, ast.FieldAccess):
        return f"{expr(node.subject, 10)}.{node.name}"
    if isinstance(node, ast.Index):
        return f"{expr(node.subject, 10)}[{expr(node.position)}]"
    if isinstance(node, ast.Call):
        arguments = ", ".join((f"{a.name}: " if a.name else "") + expr(a.value) for a in node.arguments)
        return f"{node.function}({arguments})"
    if isinstance(node, ast.ListExpr):
        return "[" + ", ".join(expr(item) for item in node.items) + "]"
    if isinstance(node, ast.Comprehension):
        condition = f" if {expr(node.condition)}" if node.condition is not None else ""
        return f"[{expr(node.element)} for {node.variable} in {expr(node.source)}{condition}]"
    if isinstance(node, ast.Every):
        days = ", ".join(f"{md.month} {md.day}" for md in node.month_days)
        end = f" to {expr(node.end, 6)}" if node.end is not None else ""
        text = f"every {days} from {expr(node.start, 6)}{end}"
        return f"({text})" if context > 0 else text
    if isinstance(node, ast.IfExpr):
        text = f"if {expr(node.condition)} then {expr(node.then)} else {expr(node.otherwise)}"
        return f"({text})" if context > 0 else text
    if isinstance(node, ast.Not):
        text = f"not {expr(node.operand, 4)}"
        return f"({text})" if context > 4 else text
    if isinstance(node, ast.Negate):
        return f"-{expr(node.operand, 8)}"
    if isinstance(node, ast.IsNone):
        text = f"{expr(node.operand, 6)} is {'not ' if node.negated else ''}none"
        return f"({text})" if context > 5 else text
    if isinstance(node, ast.AtTime):  # binds looser than + and -, tighter than a comparison
        text = f"{expr(node.date, 6)} at {expr(node.time, 6)}"
        return f"({text})" if context > 5.5 else text
    if isinstance(node, ast.Binary):
        strength = _PRECEDENCE[node.operator]
        if node.operator == "??":  # right-associative
            text = f"{expr(node.left, strength + 1)} ?? {expr(node.right, strength)}"
        elif strength == 5:  # comparisons do not chain
            text = f"{expr(node.left, strength + 1)} {node.operator} {expr(node.right, strength + 1)}"
        else:  # left-associative
            text = f"{expr(node.left, strength)} {node.operator} {expr(node.right, strength + 1)}"
        return f"({text})" if context > strength else text
    raise TypeError(type(node).__name__)  # pragma: no cover
