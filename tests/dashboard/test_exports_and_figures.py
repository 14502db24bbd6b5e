"""CSV safety and the arithmetic behind the figures."""

import random
from decimal import Decimal

import pytest

from kcc.core.csvsafe import csv_cell
from kcc.dashboard.constants import HANDLE_BUCKET_EDGES
from kcc.dashboard.figures import CallbackFigures, Figures, percentile_from_histogram, ratio


def safe_cell(value) -> str:
    """A dashboard CSV cell as written (kcc.core.csvsafe, the project's one CSV helper)."""
    return str(csv_cell(value))


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://evil.example","klik")', '\'=HYPERLINK("http://evil.example","klik")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Burgerzaken", "Burgerzaken"),
        ("81,3%", "81,3%"),
        ("", ""),
    ],
)
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_defused(value, expected):
    assert safe_cell(value) == expected


def test_numbers_we_computed_stay_numbers():
    assert safe_cell(-3) == "-3"
    assert safe_cell(2.5) == "2.5"
    assert safe_cell(Decimal("-1.5")) == "-1.5"
    assert safe_cell(None) == ""
    assert safe_cell(True) == "ja"


def _histogram(values):
    counts = [0] * len(HANDLE_BUCKET_EDGES)
    for v in values:
        counts[max(i for i, e in enumerate(HANDLE_BUCKET_EDGES) if e <= v)] += 1
    return counts


def test_percentile_of_a_single_value_is_exact():
    assert percentile_from_histogram(_histogram([437]), 0.5, 437, 437) == 437
    assert percentile_from_histogram(_histogram([437]), 0.9, 437, 437) == 437


def test_percentile_of_nothing_is_none():
    assert percentile_from_histogram(_histogram([]), 0.5) is None


def test_percentile_by_hand():
    # 60, 70 (bucket 60-75), 200 (180-210), 1000 (960-1080): rank 0.5 * 4 = 2 falls at the end
    # of the first bucket, narrowed to the observed maximum 1000 -> 75; p90: rank 3.6 falls in
    # the last bucket 0.6 of the way from 960 to min(1080, 1000) = 984.
    counts = _histogram([60, 70, 200, 1000])
    assert percentile_from_histogram(counts, 0.5, 60, 1000) == 75
    assert percentile_from_histogram(counts, 0.9, 60, 1000) == pytest.approx(984)


def test_percentile_estimate_is_within_one_bucket_of_the_exact_value():
    rng = random.Random(5)
    for _ in range(200):
        values = sorted(int(rng.lognormvariate(5.5, 0.8)) for _ in range(rng.randint(1, 400)))
        estimate = percentile_from_histogram(_histogram(values), 0.5, values[0], values[-1])
        exact = values[(len(values) - 1) // 2]
        bucket = max(i for i, e in enumerate(HANDLE_BUCKET_EDGES) if e <= exact)
        lower = HANDLE_BUCKET_EDGES[max(0, bucket - 1)]
        upper = HANDLE_BUCKET_EDGES[min(len(HANDLE_BUCKET_EDGES) - 1, bucket + 2)]
        assert lower <= estimate <= upper


def test_rates_divide_by_the_base_and_are_none_without_it():
    f = Figures({"base": 8, "fcr": 6, "fcr_adjusted": 5, "transferred": 1, "callback": 1, "transfers": 4, "misroutes": 1})
    assert (f.fcr_rate, f.fcr_adjusted_rate, f.transfer_rate, f.callback_rate, f.misroute_rate) == (0.75, 0.625, 0.125, 0.125, 0.25)
    assert f.repeats == 1
    assert Figures().fcr_rate is None
    assert ratio(1, 0) is None


def test_totals_add_up_and_keep_the_extremes():
    a = Figures({"base": 2, "handle_count": 2, "handle_sum": 100}, 20, 80)
    b = Figures({"base": 3, "handle_count": 1, "handle_sum": 500}, 500, 500)
    total = Figures.total([a, b, Figures()])
    assert (total.base, total.handle_count, total.handle_sum, total.handle_min, total.handle_max) == (5, 3, 600, 20, 500)
    assert total.handle_mean == 200


def test_callback_on_time_leaves_out_pending_and_cancelled():
    f = CallbackFigures(due=10, on_time=5, late=2, unreachable=1, open_overdue=1, pending=2, cancelled=3)
    assert f.settled == 8
    assert f.on_time_rate == 5 / 8
    assert CallbackFigures(due=2, pending=2).on_time_rate is None
