"""How correlated the criteria are across the Monte Carlo draws: one forecast counted twice.

Criteria that move together measure the same thing, and a weighted sum then gives that thing
the weight of several criteria (Roy 1996, *Multicriteria Methodology for Decision Aiding*;
Department for Communities and Local Government 2009, *Multi-criteria analysis: a manual*).
:func:`criteria_correlation` measures it on the draws the rank acceptability uses
(:func:`evaluate.reports.decision.matrix.decision_draws`), and :func:`correlated_pairs` names
the pairs at or above :data:`REDUNDANT_RHO`.

The measure is Spearman's rank correlation (Pearson's correlation of the ranks, ties at their
average rank): it needs no common unit and no straight-line relation, only that more of one
goes with more (or less) of the other. Two views:

- ``rho``: over every draw and candidate pooled: it mixes how the candidates differ with how
  the doubt in the inputs moves them. With few candidates, a criterion fixed per candidate
  (floor space, supervision) has only as many distinct values as candidates, so its ``rho``
  rests on a handful of points.
- ``rho_draws``: for each candidate, the correlation across its draws (the doubt alone), the
  median over candidates; missing when a criterion does not vary across the draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import rankdata

# A rank correlation this far from 0 (either sign) counts as strong: the threshold where the
# usual conventions start calling a correlation strong (Akoglu 2018, "User's guide to
# correlation coefficients", Turkish Journal of Emergency Medicine 18(3)).
REDUNDANT_RHO = 0.7
# Draws the correlation reads (the first ones; draws are independent): a rank correlation of
# n independent draws has a standard error of about 1 / sqrt(n) at most, 0.02 here, well
# inside the threshold's own precision, and ranking more only costs time.
CORRELATION_DRAWS = 2000


def _rank_correlation(ranks: np.ndarray) -> np.ndarray:
    """Pearson correlation of ranks ``(n, ..., C)`` along axis 0: ``(..., C, C)``; NaN if flat."""
    centred = ranks - ranks.mean(axis=0, keepdims=True)
    cov = np.einsum("n...i,n...j->...ij", centred, centred)
    scale = np.sqrt(np.einsum("...ii->...i", cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = cov / (scale[..., :, None] * scale[..., None, :])
    return np.where(np.isfinite(rho), np.clip(rho, -1.0, 1.0), np.nan)


def criteria_correlation(draws: np.ndarray, criteria: Sequence[str], *,
                         max_draws: int = CORRELATION_DRAWS) -> pd.DataFrame:
    """Spearman's rank correlation between every pair of criteria (tidy; module docstring).

    Parameters
    ----------
    draws
        ``(draws, candidates, criteria)``: the decision matrix of each Monte Carlo draw, the
        candidates only (buying nothing's fixed zeros would add a correlation of its own).
    criteria
        The names of the last axis.
    max_draws
        Only the first ``max_draws`` draws are read (:data:`CORRELATION_DRAWS`).

    Returns
    -------
    pandas.DataFrame
        One row per pair in ``criteria`` order: ``criterion_a``, ``criterion_b``, ``rho``
        (pooled over draws and candidates, -1 to 1; missing when a criterion never varies) and
        ``rho_draws`` (the median over candidates of the correlation across that candidate's
        draws; missing when no candidate has both criteria varying).
    """
    values = np.asarray(draws, dtype=float)
    names = list(criteria)
    if values.ndim != 3 or values.shape[-1] != len(names):
        raise ValueError(f"draws must be (draws, candidates, {len(names)} criteria), "
                         f"got shape {values.shape}")
    values = values[:max_draws]
    if values.shape[0] < 2 or values.shape[1] < 1:
        raise ValueError("a correlation needs at least two draws and one candidate")
    pooled = _rank_correlation(rankdata(values.reshape(-1, len(names)), axis=0))
    each = _rank_correlation(rankdata(values, axis=0))  # (candidates, C, C)
    rows = []
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            per_candidate = each[:, i, j][np.isfinite(each[:, i, j])]
            rows.append({"criterion_a": a, "criterion_b": names[j],
                         "rho": float(pooled[i, j]),
                         "rho_draws": float(np.median(per_candidate)) if per_candidate.size
                         else np.nan})
    return pd.DataFrame(rows, columns=["criterion_a", "criterion_b", "rho", "rho_draws"])


def correlated_pairs(correlation: pd.DataFrame, threshold: float = REDUNDANT_RHO, *,
                     column: str = "rho") -> pd.DataFrame:
    """The pairs of :func:`criteria_correlation` correlated ``threshold`` or more, strongest first.

    Either sign counts (cost per use falls as uses rise). ``column`` is ``"rho"`` (pooled) or
    ``"rho_draws"``; missing correlations are never named.
    """
    if column not in ("rho", "rho_draws"):
        raise ValueError(f"column must be 'rho' or 'rho_draws', not {column!r}")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    strength = correlation[column].abs()
    chosen = correlation.loc[strength >= threshold]
    order = np.argsort(-strength.loc[chosen.index].to_numpy(float), kind="stable")
    return chosen.iloc[order].reset_index(drop=True)
