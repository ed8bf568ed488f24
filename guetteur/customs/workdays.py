"""Working days of a Member State (public holidays from the `holidays` package).

Deadlines of Regulation (EU) No 608/2013 run in working days of the Member State where the
goods are. A period of n working days from day d ends on the n-th working day after d.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays

from guetteur.errors import InvalidInput


@functools.lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    try:
        calendar = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        raise InvalidInput(f"no public holiday calendar for country {country!r}") from None
    return frozenset(calendar)


def member_state_of(office: str) -> str:
    """The Member State of a customs office (EU office reference numbers start with it)."""
    country = office[:2].upper()
    if len(country) != 2 or not country.isalpha():
        raise InvalidInput(f"office {office!r} does not start with a country code")
    _holidays(country, 2000)
    return country


def is_working_day(day: date, country: str) -> bool:
    """Monday to Friday and not a public holiday of `country`."""
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def add_working_days(day: date, count: int, country: str) -> date:
    """The `count`-th working day after `day` (0: `day` itself)."""
    current = day
    left = count
    while left > 0:
        current += timedelta(days=1)
        if is_working_day(current, country):
            left -= 1
    return current


def working_days_between(start: date, end: date, country: str) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start, country)
    days = (end - start).days
    return sum(
        1 for offset in range(1, days + 1) if is_working_day(start + timedelta(offset), country)
    )
