"""The cash-flow picture of a memo: payments by date and purpose, shares issued, what stays outstanding.

Drawn with matplotlib as SVG, to be put inline in the page. matplotlib is
imported inside `cash_flow_svg` so that nothing else pays for it. Each
payment is one bar with the SVG id `payment-N` and each issue of shares one
bar with the id `issue-N` (N from 1, in the order of the timeline), so that a
reader of the file, or a test, can find every mark.

Amounts are exact decimals up to here; the exact figures are in the memo's
table. Only the picture's coordinates are converted to float, which is all a
plotting library can take and loses nothing a reader of a chart can see.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from .. import records

# one colour per purpose, the rest from matplotlib's cycle
PURPOSE_COLOURS = {"interest": "#1f77b4", "principal": "#2ca02c", "redemption": "#9467bd", "dividend": "#ff7f0e",
                   "liquidation": "#8c564b", "cash_in_lieu": "#e377c2"}
OTHER_COLOURS = ("#17becf", "#bcbd22", "#7f7f7f", "#d62728")


@records.frozen
class PaymentMark:
    """A payment as the picture draws it: above the axis when it goes to the holder's side, below when it leaves it."""

    date: date
    amount: Decimal
    purpose: str
    incoming: bool


@records.frozen
class IssueMark:
    date: date
    quantity: Decimal
    security: str


@records.frozen
class OutstandingSeries:
    """A state of the instrument (outstanding principal, shares) at the end of each date where it was read."""

    name: str
    unit: str
    points: tuple[tuple[date, Decimal], ...]


@records.frozen
class CashFlow:
    payments: tuple[PaymentMark, ...]
    issues: tuple[IssueMark, ...]
    outstanding: OutstandingSeries | None
    currency: str
    receiver: str  # whose side "incoming" is, for the legend


def cash_flow_svg(flow: CashFlow) -> str:
    """The picture as an `<svg>` element (no XML prolog), deterministic for the same flow."""
    import matplotlib
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import StrMethodFormatter

    matplotlib.rcParams["svg.hashsalt"] = "contractlang-memo"  # stable ids: the same memo gives the same file
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text, in the page's own font

    panels = [name for name, present in (("payments", flow.payments), ("issues", flow.issues),
                                         ("outstanding", flow.outstanding)) if present]
    if not panels:
        return ""
    figure = Figure(figsize=(9, 1.9 * len(panels) + 0.4), layout="constrained")
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    all_dates = [m.date for m in flow.payments] + [m.date for m in flow.issues]
    if flow.outstanding:
        all_dates += [d for d, _ in flow.outstanding.points]
    first, last = min(all_dates), max(all_dates)
    bar_days = max(3.0, (last - first).days / 70)
    for panel, ax in zip(panels, axes):
        if panel == "payments":
            _draw_payments(ax, flow, bar_days)
        elif panel == "issues":
            _draw_issues(ax, flow, bar_days)
        else:
            _draw_outstanding(ax, flow.outstanding, last)
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    margin = timedelta(days=max(5, (last - first).days // 40))
    axes[-1].set_xlim(first - margin, last + margin)
    axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(axes[-1].xaxis.get_major_locator()))
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    return text[text.index("<svg"):]


def _shortened(text: str, most: int = 60) -> str:
    """A name as a chart's title, axis or legend shows it: a very long one would squeeze the axes to nothing
    (the table beside the chart gives it whole)."""
    return text if len(text) <= most else text[:most - 1] + "…"


def _draw_payments(ax, flow: CashFlow, bar_days: float) -> None:
    colours = dict(PURPOSE_COLOURS)
    spare = iter(OTHER_COLOURS * (1 + len(flow.payments)))
    stacked: dict[tuple[date, bool], float] = {}
    labelled = set()
    for number, mark in enumerate(flow.payments, start=1):
        colour = colours.setdefault(mark.purpose, next(spare))
        height = float(mark.amount) if mark.incoming else -float(mark.amount)  # a coordinate, not an amount
        base = stacked.get((mark.date, mark.incoming), 0.0)
        stacked[(mark.date, mark.incoming)] = base + height
        label = _shortened(mark.purpose) if mark.purpose not in labelled else None
        labelled.add(mark.purpose)
        bars = ax.bar(mark.date, height, width=bar_days, bottom=base, color=colour, label=label)
        bars.patches[0].set_gid(f"payment-{number}")
    ax.axhline(0, color="#444444", linewidth=0.8)
    receiver = _shortened(flow.receiver, 30)
    ax.set_ylabel(f"{_shortened(flow.currency, 20)}\n↑ to {receiver}  ↓ from {receiver}", fontsize=8)
    ax.set_title("Payments by date and purpose", fontsize=10, loc="left")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _draw_issues(ax, flow: CashFlow, bar_days: float) -> None:
    for number, mark in enumerate(flow.issues, start=1):
        bars = ax.bar(mark.date, float(mark.quantity), width=bar_days, color="#17becf")  # a coordinate only
        bars.patches[0].set_gid(f"issue-{number}")
    securities = sorted({m.security for m in flow.issues})
    ax.set_ylabel("shares", fontsize=8)
    ax.set_title(_shortened(f"Shares issued ({', '.join(securities)})", 100), fontsize=10, loc="left")


def _draw_outstanding(ax, series: OutstandingSeries, last: date) -> None:
    dates = [d for d, _ in series.points]
    values = [float(v) for _, v in series.points]  # coordinates only; the figures are in the table
    if dates[-1] < last:
        dates.append(last)
        values.append(values[-1])
    ax.step(dates, values, where="post", color="#333333", linewidth=1.4)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(_shortened(series.unit, 30), fontsize=8)
    ax.set_title(series.name.replace("_", " ").capitalize() + " at the end of each day", fontsize=10, loc="left")
