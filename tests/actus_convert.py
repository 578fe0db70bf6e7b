"""Scenarios for the ACTUS PAM template from the terms of the published ACTUS test cases.

The converter only renames: each ACTUS term becomes the template's parameter of the same
meaning, the ACTUS codes of a convention become the language's names for it, a cycle
("P1ML0") is read into its count, unit and stub, and the observed market data of the
rate-reset series become the template's `rate_index` series. It does no date arithmetic,
builds no schedule and computes no amount: every date and figure of a result comes from
contracts/examples/actus_pam.contract.
"""

from __future__ import annotations

import re

# ACTUS day count codes (Data Dictionary, dayCountConvention) and the language's names
DAY_COUNTS = {"A365": "actual/365", "A360": "actual/360", "AA": "actual/actual", "30E360": "30E/360",
              "30E360ISDA": "30E/360 ISDA", "AL": "actual/365L"}
END_OF_MONTH = {"SD": "same day", "EOM": "end of month"}
CALENDARS = {"MF": "weekends"}
PERIOD_UNITS = {"D": "days", "W": "weeks", "M": "months", "Q": "quarters", "H": "half-years", "Y": "years"}
STUBS = {"0": "long last", "1": "short last"}
CYCLE = re.compile(r"P(\d+)([DWMQHY])L([01])")

# ACTUS terms whose value passes through unchanged (dates lose only their time of midnight)
DATES = {"statusDate": "status_date", "contractDealDate": "contract_deal_date",
         "initialExchangeDate": "initial_exchange_date",
         "cycleAnchorDateOfInterestPayment": "cycle_anchor_date_of_interest_payment",
         "cycleAnchorDateOfRateReset": "cycle_anchor_date_of_rate_reset",
         "capitalizationEndDate": "capitalization_end_date", "purchaseDate": "purchase_date",
         "terminationDate": "termination_date", "cycleAnchorDateOfFee": "cycle_anchor_date_of_fee"}
NUMBERS = {"notionalPrincipal": "notional_principal", "nominalInterestRate": "nominal_interest_rate",
           "premiumDiscountAtIED": "premium_discount_at_ied", "rateMultiplier": "rate_multiplier",
           "rateSpread": "rate_spread", "accruedInterest": "accrued_interest",
           "priceAtPurchaseDate": "price_at_purchase_date", "priceAtTerminationDate": "price_at_termination_date",
           "nextResetRate": "next_reset_rate", "lifeCap": "life_cap", "lifeFloor": "life_floor",
           "periodCap": "period_cap", "periodFloor": "period_floor", "feeRate": "fee_rate", "feeAccrued": "fee_accrued"}
CODES = {"contractRole": "contract_role", "currency": "contract_currency",
         "businessDayConvention": "business_day_convention", "feeBasis": "fee_basis"}
TRANSLATED = {"dayCountConvention": ("day_count_convention", DAY_COUNTS),
              "endOfMonthConvention": ("end_of_month_convention", END_OF_MONTH),
              "calendar": ("calendar", CALENDARS)}
CYCLES = {"cycleOfInterestPayment": "cycle_of_interest_payment", "cycleOfRateReset": "cycle_of_rate_reset",
          "cycleOfFee": "cycle_of_fee"}
# identify the contract, not its cash flows; the market series is given under its own name below
IGNORED = {"contractType", "contractID", "creditorID", "debtorID", "marketObjectCodeOfRateReset"}

# the template's payment purposes and the ACTUS event types they are
EVENT_TYPES = {"initial_exchange": "IED", "interest": "IP", "capitalization": "IPCI", "rate_reset": "RR",
               "fixed_rate_reset": "RRF", "fee": "FP", "purchase": "PRD", "termination": "TD", "maturity": "MD"}


def day_of(value: str) -> str:
    """An ACTUS date-time at midnight ("2013-01-01T00:00:00") as its ISO date; another time is refused,
    since the template's parameter is a Date."""
    day, _, time = value.partition("T")
    if time not in ("", "00:00", "00:00:00"):
        raise ValueError(f"{value}: the template takes this term as a date, and it has a time of day")
    return day


def scenario_for(case: dict) -> dict:
    """The scenario (as JSON data) that gives the template the terms and market data of one case."""
    terms = case["terms"]
    params: dict[str, str] = {}
    for name, value in terms.items():
        text = str(value).strip()
        if name in IGNORED:
            continue
        if name in DATES:
            params[DATES[name]] = day_of(text)
        elif name == "maturityDate":  # a DateTime parameter: the value as ACTUS gives it
            params["maturity_date"] = text
        elif name in NUMBERS:
            params[NUMBERS[name]] = text
        elif name in CODES:
            params[CODES[name]] = text
        elif name in TRANSLATED:
            parameter, names = TRANSLATED[name]
            params[parameter] = names[text]
        elif name in CYCLES:
            count, unit, stub = CYCLE.fullmatch(text).groups()
            params[CYCLES[name] + "_count"] = count
            params[CYCLES[name] + "_unit"] = PERIOD_UNITS[unit]
            params[CYCLES[name] + "_stub"] = STUBS[stub]
        else:
            raise ValueError(f"{case['identifier']}: the template has no parameter for the ACTUS term {name!r}")
    scenario: dict = {"title": f"ACTUS reference case {case['identifier']}", "params": params}
    series_name = terms.get("marketObjectCodeOfRateReset")
    if series_name:
        observed = case["dataObserved"][series_name]["data"]
        scenario["market"] = {"rate_index": {day_of(point["timestamp"]): str(point["value"])
                                             for point in observed}}
    return scenario
