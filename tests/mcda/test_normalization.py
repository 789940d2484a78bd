"""Normalising a decision matrix so that higher is better."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.mcda.normalization import normalize_core, normalize_matrix


def frame(rows, criteria=None, alternatives=None) -> pd.DataFrame:
    rows = np.asarray(rows, dtype=float)
    criteria = criteria or [f"c{j}" for j in range(rows.shape[1])]
    alternatives = alternatives or [f"a{i}" for i in range(rows.shape[0])]
    return pd.DataFrame(rows, index=alternatives, columns=criteria)


M = frame([[10, 500, 2.0], [14, 800, 2.5], [8, 300, 1.5]], ["uses", "cost", "space"])
D = dict(uses="max", cost="min", space="min")


def test_normalize_matrix_is_higher_is_better():
    n = normalize_matrix(M, D)
    assert n.loc["a2", "cost"] == 1 and n.loc["a1", "cost"] == 0 and n.loc["a1", "uses"] == 1


def test_vector_normalisation_of_negative_values_stays_within_0_and_1():
    """An NPV column with losses is shifted to start at 0, so a weighted sum stays in 0-1."""
    values = np.array([[-1_000.0, 3.0], [500.0, 1.0], [2_000.0, 2.0]])
    normalised, _ = normalize_core(values, np.array([1, -1]), "vector")
    assert (normalised >= 0).all() and (normalised <= 1).all()
    shifted, _ = normalize_core(values + [1_000.0, 0.0], np.array([1, -1]), "vector")
    np.testing.assert_allclose(normalised, shifted)
