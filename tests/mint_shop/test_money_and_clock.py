import datetime as dt

import pytest

from mint_shop import clock
from mint_shop.money import allocate_pence, format_pence


def test_allocate_pence_adds_up_to_the_penny():
    # £10 off spread over £45, £25 and £13 lines.
    shares = allocate_pence(1000, [4500, 2500, 1300])
    assert sum(shares) == 1000
    assert shares == [542, 301, 157]


def test_allocate_pence_gives_the_odd_penny_to_the_largest_remainder_then_the_first():
    assert allocate_pence(100, [1, 1, 1]) == [34, 33, 33]


def test_allocate_pence_over_nothing_is_nothing():
    assert allocate_pence(500, [0, 0]) == [0, 0]


def test_allocate_pence_refuses_a_negative_total():
    with pytest.raises(ValueError):
        allocate_pence(-1, [1])


def test_format_pence():
    assert format_pence(520000) == "£5,200.00"
    assert format_pence(-5) == "-£0.05"


def test_london_date_after_2300_utc_in_summer_is_the_next_day():
    assert clock.london_date(dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)) == dt.date(2026, 7, 2)


def test_london_date_after_2300_utc_in_winter_is_the_same_day():
    assert clock.london_date(dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)) == dt.date(2026, 12, 1)


def test_london_date_on_the_night_the_clocks_go_back():
    # 25 October 2026: 01:30 BST happens twice; 00:30 UTC is 01:30 BST on the 25th.
    assert clock.london_date(dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)) == dt.date(2026, 10, 25)
    assert clock.london_date(dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC)) == dt.date(2026, 10, 25)


def test_london_date_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        clock.london_date(dt.datetime(2026, 1, 1))


def test_age_on_a_birthday_and_the_day_before():
    assert clock.age_on(dt.date(2008, 11, 23), dt.date(2026, 11, 23)) == 18
    assert clock.age_on(dt.date(2008, 11, 24), dt.date(2026, 11, 23)) == 17


def test_age_of_someone_born_on_29_february_counts_from_1_march_in_other_years():
    assert clock.age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert clock.age_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18
