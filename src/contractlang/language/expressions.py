"""The types of expressions: names, fields, calls, arithmetic with units, literals.

`ExpressionChecks` is the part of the checker that types an expression in its
scope; the checker's statement checks call `expr` and `expect`.
"""

from __future__ import annotations

from ..diagnostics import closest
from ..stdlib.schedules import MONTHS
from . import ast
from . import types as T
from .builtins import BUILTIN_FUNCTIONS
from .properties import RECORD_FIELDS
from .scope import Context, Scope


LITERAL_LENGTH = 60  # characters of a written number: a longer one costs more at every use it has


class UnknownUnit(Exception):
    """A unit the contract does not declare, met while reading a type or a literal."""


class ExpressionChecks:
    def expect(self, found: T.Type, expected: T.Type, node: ast.Node, what: str) -> None:
        if T.is_unknown(found) or T.is_unknown(expected):
            return
        if not T.assignable(found, expected):
            self.problem(f"{what} must be {T.describe(expected)}, not {T.describe(found)}", node)

    def expr(self, node: ast.Expr, scope: Scope, context: Context, expected: T.Type | None = None) -> T.Type:
        found = self._expr(node, scope, context, expected)
        self.types[id(node)] = found
        return found

    def _expr(self, node: ast.Expr, scope: Scope, context: Context, expected: T.Type | None) -> T.Type:
        if isinstance(node, ast.NumberLit):
            self.literal_length(node)
            return self.number_literal(node)
        if isinstance(node, ast.PercentLit):
            self.literal_length(node)
            return T.DECIMAL
        if isinstance(node, ast.DateLit):
            return T.DATE
        if isinstance(node, ast.TimeLit):
            return T.TIME
        if isinstance(node, ast.BoolLit):
            return T.BOOL
        if isinstance(node, ast.NoneLit):
            return T.NONE_TYPE
        if isinstance(node, ast.StringLit):
            target = expected.inner if isinstance(expected, T.Optional) else expected
            if isinstance(target, T.Enum):
                if node.value not in target.members:
                    hint = closest(node.value, target.members)
                    self.problem(f"'{node.value}' is not a {target.name}; one of: {', '.join(target.members)}"
                                 + (f" (did you mean '{hint}'?)" if hint else ""), node)
                return target
            return T.TEXT
        if isinstance(node, ast.Name):
            return self.name(node, scope)
        if isinstance(node, ast.FieldAccess):
            return self.field_access(node, scope, context)
        if isinstance(node, ast.Index):
            subject = self.expr(node.subject, scope, context)
            self.expect(self.expr(node.position, scope, context, T.INTEGER), T.INTEGER, node.position,
                        "a position in a list (the first is 1)")
            if isinstance(subject, T.ListOf):
                return subject.element
            if not T.is_unknown(subject):
                self.problem(f"only a list has positions, not {T.describe(subject)}", node.subject)
            return T.Simple("Unknown")
        if isinstance(node, ast.Call):
            return self.call(node, scope, context)
        if isinstance(node, ast.ListExpr):
            element = expected.element if isinstance(expected, T.ListOf) else None
            types = [self.expr(item, scope, context, element) for item in node.items]
            if not types:
                return T.EMPTY_LIST
            first = types[0]
            if isinstance(first, T.Number) and first.integral and any(
                    isinstance(t, T.Number) and not t.integral and t.unit == first.unit for t in types):
                first = T.Number(first.unit)  # whole numbers beside fractions: a list of numbers
            for item, found in zip(node.items[1:], types[1:]):
                self.expect(found, first, item, "every item of a list")
            self.single_values(first, node.items[0])
            return T.ListOf(first)
        if isinstance(node, ast.Comprehension):
            source = self.expr(node.source, scope, context)
            inner = Scope(scope)
            if isinstance(source, T.ListOf):
                inner.names[node.variable] = source.element
            else:
                if not T.is_unknown(source):
                    self.problem(f"'for ... in' needs a list, not {T.describe(source)}", node.source)
                inner.names[node.variable] = T.Simple("Unknown")
            if node.condition is not None:
                self.expect(self.expr(node.condition, inner, context), T.BOOL, node.condition, "a condition")
            element = self.expr(node.element, inner, context)
            self.single_values(element, node.element)
            return T.ListOf(element)
        if isinstance(node, ast.Every):
            for month_day in node.month_days:
                month = MONTHS.get(month_day.month)
                if month is None:
                    hint = closest(month_day.month, MONTHS)
                    self.problem(f"'{month_day.month}' is not a month" + (f"; did you mean '{hint}'?" if hint else ""), month_day)
                elif not 1 <= int(month_day.day.replace("_", "").split(".")[0]) <= 31 or "." in month_day.day:
                    self.problem(f"{month_day.month} {month_day.day} is not a day of the month", month_day)
            self.expect(self.expr(node.start, scope, context), T.DATE, node.start, "the first date")
            if node.end is not None:
                self.expect(self.expr(node.end, scope, context), T.DATE, node.end, "the last date")
            return T.ListOf(T.DATE)
        if isinstance(node, ast.IfExpr):
            self.expect(self.expr(node.condition, scope, context), T.BOOL, node.condition, "a condition")
            then = self.expr(node.then, scope, context, expected)
            otherwise = self.expr(node.otherwise, scope, context, expected or then)
            if T.assignable(otherwise, then):
                return then
            if T.assignable(then, otherwise):
                return otherwise
            if then == T.NONE_TYPE or otherwise == T.NONE_TYPE:  # `if c then none else x`: an optional value
                value = otherwise if then == T.NONE_TYPE else then
                return value if isinstance(value, T.Optional) else T.Optional(value)
            self.problem(f"both branches must give the same kind of value, not {T.describe(then)} and {T.describe(otherwise)}", node)
            return T.Simple("Unknown")
        if isinstance(node, ast.Not):
            self.expect(self.expr(node.operand, scope, context), T.BOOL, node.operand, "'not'")
            return T.BOOL
        if isinstance(node, ast.Negate):
            found = self.expr(node.operand, scope, context)
            if not (isinstance(found, T.Number) or found == T.DAYS or T.is_unknown(found)):
                self.problem(f"cannot negate {T.describe(found)}", node)
            return found
        if isinstance(node, ast.IsNone):
            found = self.expr(node.operand, scope, context)
            if not isinstance(found, T.Optional) and not T.is_unknown(found):
                self.problem(f"{T.describe(found)} is never none", node.operand)
            return T.BOOL
        if isinstance(node, ast.Binary):
            return self.binary(node, scope, context, expected)
        if isinstance(node, ast.AtTime):
            self.expect(self.expr(node.date, scope, context), T.DATE, node.date, "the date of a moment (DATE at TIME)")
            self.expect(self.expr(node.time, scope, context), T.TIME, node.time, "the time of a moment (DATE at TIME)")
            return T.DATETIME
        self.problem(f"unexpected expression {type(node).__name__}", node)  # pragma: no cover
        return T.Simple("Unknown")

    def literal_length(self, node: ast.NumberLit | ast.PercentLit) -> None:
        """Bounds the cost of reading and using a written number, however often a run evaluates it."""
        if len(node.text) > LITERAL_LENGTH:
            self.problem(f"a number is written with at most {LITERAL_LENGTH} characters, not {len(node.text):,}", node)

    def number_literal(self, node: ast.NumberLit) -> T.Type:
        integral = "." not in node.text
        if node.unit is None:
            return T.INTEGER if integral else T.DECIMAL
        if node.unit.name in ("day", "days") and node.unit.per is None:
            if not integral:
                self.problem("a number of days is whole", node)
            return T.DAYS
        try:
            unit = self.unit_of(node.unit.name, node.unit)
            if node.unit.per is not None:
                unit = unit / self.unit_of(node.unit.per, node.unit)
        except UnknownUnit as problem:
            self.problem(str(problem), node.unit)
            return T.Simple("Unknown")
        return T.Number(unit, integral=integral)

    def name(self, node: ast.Name, scope: Scope) -> T.Type:
        local = scope.lookup(node.name)
        if local is not None:
            return local
        if node.name in self.symbols:
            symbol = self.symbols[node.name]
            if symbol.kind in ("event", "action"):
                self.problem(f"'{node.name}' is an {symbol.kind}, not a value", node)
                return T.Simple("Unknown")
            found = self.symbol_type(node.name)
            return found if found is not None else T.Simple("Unknown")
        if node.name in self.members:
            return self.members[node.name]
        if node.name == "today":
            self.problem("'today' is the date being processed: it exists only inside rules", node)
            return T.DATE
        self.unknown(node.name, node, scope=scope)
        return T.Simple("Unknown")

    def field_access(self, node: ast.FieldAccess, scope: Scope, context: Context) -> T.Type:
        subject = self.expr(node.subject, scope, context)
        fields: dict[str, T.Type] = {}
        if isinstance(subject, T.Simple) and subject.name.startswith("event "):
            event = self.symbols[subject.name[len("event "):]].node
            fields = {"date": T.DATE, "filed": T.DATE, "index": T.INTEGER}
            fields.update({f.name: self.resolve_type(f.type, report=False) for f in event.fields})
        elif isinstance(subject, T.Quote):
            fields = {"price": subject.price, "date": T.DATE}
        elif isinstance(subject, T.Accrued):
            fields = {"amount": subject.amount, "period": T.PERIOD}
        elif subject == T.PERIOD:
            fields = {"start": T.DATE, "end": T.DATE}
        elif subject == T.DATETIME:
            fields = {"date": T.DATE, "time": T.TIME}
        elif isinstance(subject, T.Pair):
            fields = {"first": subject.first, "second": subject.second}
        elif isinstance(subject, T.Simple) and subject.name in RECORD_FIELDS:
            fields = RECORD_FIELDS[subject.name](self)
        elif T.is_unknown(subject):
            return subject
        if node.name in fields:
            return fields[node.name]
        if not fields:
            self.problem(f"{T.describe(subject)} has no fields", node)
        else:
            hint = closest(node.name, fields)
            self.problem(f"{T.describe(subject)} has no field '{node.name}'" + (f"; did you mean '{hint}'?" if hint else "")
                         + f" (it has: {', '.join(fields)})", node)
        return T.Simple("Unknown")

    def call(self, node: ast.Call, scope: Scope, context: Context) -> T.Type:
        declared = self.symbols.get(node.function)
        if declared is not None and declared.kind == "function":
            return self.function_call(node, declared, scope, context)
        signature = BUILTIN_FUNCTIONS.get(node.function)
        if signature is None:
            functions = [s.name for s in self.symbols.values() if s.kind == "function"]
            hint = closest(node.function, list(BUILTIN_FUNCTIONS) + functions)
            self.problem(f"unknown function '{node.function}'" + (f"; did you mean '{hint}'?" if hint else ""), node)
            for argument in node.arguments:
                self.expr(argument.value, scope, context)
            return T.Simple("Unknown")
        if node.function == "settle" and (context.in_invariant or not (context.in_event or context.in_schedule)):
            self.problem("'settle' pays off an accrual: it belongs in a rule", node)
        if node.function == "pending" and (context.in_invariant or not (context.in_event or context.in_schedule)):
            self.problem("'pending' looks at the timeline of a run: it belongs in a rule", node)
        return signature(self, node, scope, context)

    def function_call(self, node: ast.Call, symbol, scope: Scope, context: Context) -> T.Type:
        """A call of a contract's own function: its values by position, each of its parameter's type."""
        function: ast.Function = symbol.node
        given = [a for a in node.arguments if a.name is None]
        if len(given) != len(node.arguments) or len(given) != len(function.parameters):
            self.problem(f"{node.function}() takes {len(function.parameters)} value"
                         f"{'s' if len(function.parameters) != 1 else ''} by position, not {len(node.arguments)}", node)
        for argument, parameter in zip(given, function.parameters):
            declared = self.resolve_type(parameter.type, report=False)
            self.expect(self.expr(argument.value, scope, context, declared), declared, argument.value,
                        f"'{parameter.name}' of {node.function}()")
        return self.symbol_type(node.function) or T.Simple("Unknown")

    def binary(self, node: ast.Binary, scope: Scope, context: Context, expected: T.Type | None) -> T.Type:
        op = node.operator
        if op in ("and", "or"):
            for side in (node.left, node.right):
                self.expect(self.expr(side, scope, context), T.BOOL, side, f"'{op}'")
            return T.BOOL
        if op == "??":
            left = self.expr(node.left, scope, context)
            inner = left.inner if isinstance(left, T.Optional) else left
            if not isinstance(left, T.Optional) and not T.is_unknown(left):
                self.problem(f"'??' gives a value for none, and {T.describe(left)} is never none", node.left)
            right = self.expr(node.right, scope, context, inner)
            self.expect(right, inner, node.right, "the value used when the left side is none")
            return inner
        if op == "in":
            right = self.expr(node.right, scope, context)
            element = right.element if isinstance(right, T.ListOf) else None
            left = self.expr(node.left, scope, context, element)
            if element is None:
                if not T.is_unknown(right):
                    self.problem(f"'in' needs a list on its right, not {T.describe(right)}", node.right)
            else:
                self.expect(left, element, node.left, "the value looked for")
            return T.BOOL
        left = self.expr(node.left, scope, context)
        right = self.expr(node.right, scope, context, left if isinstance(left, T.Enum) else None)
        if isinstance(right, T.Enum) and isinstance(node.left, ast.StringLit):
            left = self.expr(node.left, scope, context, right)
        if T.is_unknown(left) or T.is_unknown(right):
            return T.BOOL if op in ("==", "!=", "<", "<=", ">", ">=") else T.Simple("Unknown")
        if op in ("==", "!=", "<", "<=", ">", ">="):
            if not (T.assignable(left, right) or T.assignable(right, left)):
                self.problem(f"cannot compare {T.describe(left)} with {T.describe(right)}", node)
            elif op not in ("==", "!=") and (isinstance(left, T.Optional) or isinstance(right, T.Optional)):
                self.problem(f"cannot order a value that may be none ({T.describe(left)}, {T.describe(right)}): "
                             "give one with ?? first", node)
            elif op not in ("==", "!=") and not (isinstance(left, T.Number) or left in T.ORDERED):
                self.problem(f"{T.describe(left)} values have no order", node)
            return T.BOOL
        return self.arithmetic(node, op, left, right)

    def arithmetic(self, node: ast.Binary, op: str, left: T.Type, right: T.Type) -> T.Type:
        if isinstance(left, T.Number) and isinstance(right, T.Number):
            if op in ("+", "-"):
                if left.unit != right.unit:
                    self.problem(f"cannot {'add' if op == '+' else 'subtract'} {T.describe(left)} and {T.describe(right)}", node)
                    return T.Simple("Unknown")
                return T.Number(left.unit, left.integral and right.integral)
            if op == "*":
                return T.Number(left.unit * right.unit, left.integral and right.integral)
            return T.Number(left.unit / right.unit)
        if op == "+" and {left, right} == {T.DATE, T.DAYS}:
            return T.DATE
        if op == "-" and left == T.DATE and right == T.DAYS:
            return T.DATE
        if op in ("+", "-") and left == T.DATETIME and right == T.DAYS:
            return T.DATETIME
        if op == "+" and left == T.DAYS and right == T.DATETIME:
            return T.DATETIME
        if op == "-" and left == T.DATE and right == T.DATE:
            return T.DAYS
        if op in ("+", "-") and left == T.DAYS and right == T.DAYS:
            return T.DAYS
        if op == "*" and {left, right} == {T.DAYS, T.INTEGER}:
            return T.DAYS
        if op == "+" and isinstance(left, T.ListOf) and isinstance(right, T.ListOf):
            if T.assignable(right, left):
                return left
            if T.assignable(left, right):
                return right
        verb = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}[op]
        self.problem(f"cannot {verb} {T.describe(left)} and {T.describe(right)}", node)
        return T.Simple("Unknown")
