"""Tables built for the reports outside the chart modules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.reports.tables import npv_summary, require_columns


def test_npv_summary_matches_the_draws():
    rng = np.random.default_rng(0)
    draws = {"rh": rng.normal(1000, 2000, 5000), "bx": rng.normal(-500, 100, 5000)}
    summary = npv_summary(draws)
    assert list(summary["equipment_id"]) == ["rh", "bx"]
    for row in summary.itertuples():
        v = draws[row.equipment_id]
        np.testing.assert_allclose([row.p10, row.p50, row.p90], np.quantile(
            v, (0.1, 0.5, 0.9), method="inverted_cdf"))
        assert row.p_positive == pytest.approx(np.mean(v > 0))
    frame = npv_summary(pd.DataFrame(draws))  # one column per machine works too
    pd.testing.assert_frame_equal(frame, summary)


def test_a_frame_without_the_needed_columns_is_named_in_the_error():
    frame = pd.DataFrame({"alternative": ["rh"], "score": [0.5]})
    require_columns(frame, ["alternative", "score"], "the scores")
    with pytest.raises(ValueError, match=r"the scores needs columns \['cost'\]"):
        require_columns(frame, ["alternative", "cost"], "the scores")
