"""D6: one month counted as the ICO counts, moved past weekends and English bank holidays."""

import datetime as dt

import pytest

from consents.deadlines import answer_due_on, extended_due_on

D = dt.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 9, 3), D(2026, 10, 5)),  # 3 Oct 2026 is a Saturday: Monday 5th
        (D(2025, 9, 3), D(2025, 10, 3)),  # the ICO's own example, a Friday
        (D(2027, 1, 31), D(2027, 3, 1)),  # no 31 Feb: the last day, 28 Feb 2027, is a Sunday -> Monday 1 Mar
        (D(2026, 1, 30), D(2026, 3, 2)),  # 28 Feb 2026 is a Saturday -> Monday 2 Mar
        (D(2028, 1, 31), D(2028, 2, 29)),  # leap year: 29 Feb 2028, a Tuesday
        (D(2026, 11, 25), D(2026, 12, 29)),  # 25 Dec Friday, 28 Dec Boxing Day substitute: Tuesday 29th
        (D(2026, 4, 6), D(2026, 5, 6)),  # received on Easter Monday: counted from that day
        (D(2026, 4, 4), D(2026, 5, 5)),  # 4 May 2026 is the early May bank holiday
    ],
)
def test_d6_answer_due_one_month_from_receipt_on_the_next_working_day(received, due):
    assert answer_due_on(received) == due


def test_d6_an_extension_is_three_months_from_receipt_counted_the_same_way():
    assert extended_due_on(D(2026, 9, 3)) == D(2026, 12, 3)
    assert extended_due_on(D(2026, 11, 30)) == D(2027, 3, 1)  # 28 Feb 2027 is a Sunday


def test_d6_a_bank_holiday_from_the_settings_moves_the_date(settings):
    settings.MINT_EXTRA_BANK_HOLIDAYS = ["2025-10-03"]
    assert answer_due_on(D(2025, 9, 3)) == D(2025, 10, 6)
