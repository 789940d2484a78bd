"""Queues at the machines: Erlang C against textbook values, mean waits, the peak hour."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluate.model.queueing import erlang_c, mean_wait_minutes, peak_queue

LOAD = st.floats(0.0, 50.0)
SERVERS = st.integers(1, 12)


# ---------------------------------------------------------------- Erlang C (textbook values)

def test_erlang_c_textbook_values():
    """M/M/1: C = ρ. M/M/2 with a = 1 erlang: B = 0.2, C = 2·0.2 / (2 - 0.8) = 1/3.
    M/M/3 with a = 2: C = 4/9 (e.g. Kleinrock, Queueing Systems I, §3.5; any OR textbook).
    M/M/2 with a = 0.5: B = 1/13, C = 0.1.
    """
    assert erlang_c(1, 0.3) == pytest.approx(0.3)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)
    assert erlang_c(2, 0.5) == pytest.approx(0.1)


def _erlang_c_log_space(c: int, a: float) -> float:
    """Direct formula in log space, as an oracle for large c."""
    log_terms = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)]
    log_last = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a))
    top = max(log_terms + [log_last])
    total = sum(math.exp(t - top) for t in log_terms) + math.exp(log_last - top)
    return math.exp(log_last - top) / total


def test_erlang_c_is_stable_for_many_servers():
    assert erlang_c(200, 180.0) == pytest.approx(_erlang_c_log_space(200, 180.0), rel=1e-9)
    assert erlang_c(5, 4.5) == pytest.approx(_erlang_c_log_space(5, 4.5), rel=1e-12)


def test_erlang_c_edges_and_arrays():
    got = erlang_c(np.array([1, 2, 3]), np.array([0.0, 2.0, 7.0]))
    np.testing.assert_allclose(got, [0.0, 1.0, 1.0])
    assert mean_wait_minutes(1, 0.0, 10.0) == 0.0
    assert mean_wait_minutes(1, 1.0, 10.0) == np.inf


def test_mean_wait_by_hand():
    """M/M/1, 3 arrivals an hour, 10-minute sessions: a = 0.5, W_q = 0.5 × 10 / 0.5 = 10 min.
    M/M/2, a = 1: W_q = (1/3) × 10 / (2 - 1) = 3.33 min.
    """
    assert mean_wait_minutes(1, 0.5, 10.0) == pytest.approx(10.0)
    assert mean_wait_minutes(2, 1.0, 10.0) == pytest.approx(10 / 3)


@given(SERVERS, LOAD, LOAD)
def test_wait_and_utilisation_grow_with_load(servers, a, b):
    low, high = sorted((a, b))
    assert erlang_c(servers, low) <= erlang_c(servers, high) + 1e-12
    assert mean_wait_minutes(servers, low, 8.0) <= mean_wait_minutes(servers, high, 8.0) + 1e-9
    q_low = peak_queue(np.array([low * 60]), 0.1, 10.0, servers)
    q_high = peak_queue(np.array([high * 60]), 0.1, 10.0, servers)
    assert q_low["utilisation"][0] <= q_high["utilisation"][0]
    assert 0.0 <= erlang_c(servers, high) <= 1.0


def test_peak_queue_by_hand():
    """100 sessions a week, 2% at peak: 2 an hour; 10-minute sessions on 1 unit: a = 1/3."""
    q = peak_queue(np.array([100.0]), 0.02, 10.0, 1)
    assert q["arrivals_per_hour"][0] == pytest.approx(2.0)
    assert q["capacity_per_hour"][0] == pytest.approx(6.0)
    assert q["utilisation"][0] == pytest.approx(1 / 3)
    assert q["wait_minutes"][0] == pytest.approx((1 / 3) * 10 / (2 / 3))
    zero = peak_queue(np.array([0.0]), 0.02, 10.0, 1)
    assert zero["wait_minutes"][0] == 0.0 and zero["p_wait"][0] == 0.0
