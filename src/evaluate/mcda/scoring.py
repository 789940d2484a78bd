"""Scoring the candidates: weighted sum, TOPSIS, per-criterion contributions and AHP weights.

Each method has a numeric core on arrays with a leading draws axis (:func:`wsm_core`,
:func:`topsis_core`: ``(draws, alternatives, criteria)`` in, ``(draws, alternatives)`` out, no
loop per draw, no validation) and a thin public wrapper that takes a DataFrame and named
criteria, validates them once and calls the core (as scikit-criteria's ``wsm`` sits inside
``WeightedSumModel``).

What every wrapper reports
--------------------------
The returned Series (or DataFrame) carries in ``attrs``:

- ``"method"`` and ``"normalization"``: which were used, to print in the report header;
- ``"weights"``: the weights after normalisation to sum 1 (criterion → weight);
- ``"directions"``: criterion → ``"max"`` or ``"min"``;
- ``"notes"``: a list of plain-language sentences on anything handled specially: a zero
  weight, a criterion with the same value for every alternative, a value outside a fixed
  range, alternatives that tie in TOPSIS because every criterion is flat. An empty list means
  nothing was special. Scores are never NaN.

Normalisations are explained in :mod:`evaluate.mcda.normalization`; only ``"fixed"`` scales (an
analyst-set range per criterion) keep the winner when a losing candidate is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from evaluate.errors import did_you_mean
from evaluate.mcda.normalization import (
    NORMALIZATIONS,
    as_mapping,
    check_keys,
    matrix_notes,
    normalize_core,
    prepare,
)

__all__ = [
    "AHPResult",
    "NORMALIZATIONS",
    "RANDOM_INDEX",
    "ahp_weights",
    "contributions",
    "judgement_errors",
    "judgements_to_revisit",
    "topsis",
    "topsis_core",
    "validate_weights",
    "weighted_sum",
    "wsm_core",
]

Ranges = Mapping[str, Sequence[float]]


# --- array cores ------------------------------------------------------------------------------

def _unit_weights(weights: np.ndarray) -> np.ndarray:
    """Weights ``(C,)`` or ``(D, C)`` scaled to sum 1 along the last axis, as ``(..., 1, C)``."""
    w = np.asarray(weights, dtype=float)
    return (w / w.sum(axis=-1, keepdims=True))[..., None, :]


def wsm_core(values: np.ndarray, weights: np.ndarray, signs: np.ndarray,
             normalization: str = "minmax", low: np.ndarray | None = None,
             high: np.ndarray | None = None) -> np.ndarray:
    """Weighted-sum scores without validation.

    Parameters
    ----------
    values : numpy.ndarray
        ``(draws, alternatives, criteria)`` (or ``(alternatives, criteria)``), raw units.
    weights : numpy.ndarray
        ``(criteria,)`` shared by every draw, or ``(draws, criteria)`` (e.g. weights sampled
        on the simplex). Non-negative with a positive sum; any scale (the score is the
        weighted mean).
    signs : numpy.ndarray
        ``(criteria,)``: +1 to maximise, -1 to minimise.
    normalization, low, high
        As in :func:`evaluate.mcda.normalization.normalize_core`.

    Returns
    -------
    numpy.ndarray
        ``(draws, alternatives)``: Σ_c weight_c × normalised_c / Σ_c weight_c, unit-free;
        between the smallest and the largest normalised value of the alternative exactly, so
        0-1 for data inside its scale.
    """
    normalised, _ = normalize_core(values, signs, normalization, low, high)
    # The weighted mean Σ w·v / Σ w, both sums over the same axis in the same order, so a
    # score is never above the best normalised value by rounding: a product w·v with v <= 1
    # rounds to at most w, a sum of smaller terms to at most the sum, and a quotient of at
    # most 1. Scaling the weights first (w / Σ w, summing to 1 only on paper: 1 + 2e-16 for
    # weights 5, 2, 3, 3) put a machine best on every criterion at 1.0000000000000002.
    w = np.asarray(weights, dtype=float)[..., None, :]
    return (normalised * w).sum(axis=-1) / w.sum(axis=-1)


def topsis_core(values: np.ndarray, weights: np.ndarray, signs: np.ndarray,
                normalization: str = "vector", low: np.ndarray | None = None,
                high: np.ndarray | None = None) -> np.ndarray:
    """TOPSIS closeness coefficients without validation (Hwang & Yoon 1981).

    The weighted normalised matrix ``v = w × r`` is compared with the positive ideal (best
    value of each criterion) and the negative ideal (worst) by Euclidean distance;
    closeness ``C = D⁻ / (D⁺ + D⁻)`` lies in 0-1, 1 at the ideal. With ``"fixed"`` scales the
    ideals are the ends of the analyst's ranges (``w × 1`` and ``w × 0``), not the best and
    worst candidates, so a candidate's closeness does not depend on the others. Where
    ``D⁺ + D⁻ = 0`` (every weighted criterion flat) all alternatives tie at 0.5.

    Shapes as in :func:`wsm_core`; returns ``(draws, alternatives)``.
    """
    normalised, _ = normalize_core(values, signs, normalization, low, high)
    v = normalised * _unit_weights(weights)
    if normalization == "fixed":
        best, worst = _unit_weights(weights), np.zeros_like(v[..., :1, :])
    else:
        best, worst = v.max(axis=-2, keepdims=True), v.min(axis=-2, keepdims=True)
    d_best = np.sqrt(((v - best) ** 2).sum(axis=-1))
    d_worst = np.sqrt(((v - worst) ** 2).sum(axis=-1))
    total = d_best + d_worst
    return np.divide(d_worst, total, out=np.full(total.shape, 0.5), where=total > 0)


# --- validated wrappers -----------------------------------------------------------------------

def validate_weights(weights: Mapping[str, float] | pd.Series,
                     criteria: Sequence[str]) -> pd.Series:
    """Check weights and return them normalised to sum 1, in the order of ``criteria``.

    ``weights`` may be a Mapping or a Series (e.g. :attr:`AHPResult.weights`).
    Raises ``ValueError`` naming the criterion for a missing or unknown criterion, a weight that
    is not a finite number or is negative; and when every weight is zero.
    """
    weights = as_mapping(weights)
    check_keys(weights, criteria, "weights")
    out = pd.Series(index=list(criteria), dtype=float, name="weight")
    for c in criteria:
        try:
            w = float(weights[c])  # type: ignore[arg-type]  # any value: checked here
        except (TypeError, ValueError):
            raise ValueError(f"criterion '{c}': weight {weights[c]!r} is not a number") from None
        if not np.isfinite(w) or w < 0:
            raise ValueError(f"criterion '{c}': weight {w} must be a finite number ≥ 0")
        out[c] = w
    if out.sum() == 0:
        raise ValueError(f"every weight is zero ({list(criteria)}): give at least one "
                         "criterion a positive weight")
    return out / out.sum()


class _Setup(NamedTuple):
    """A validated problem: arrays for a core, normalised weights, flat columns, notes."""

    values: np.ndarray
    signs: np.ndarray
    low: np.ndarray | None
    high: np.ndarray | None
    weights: pd.Series
    flat: np.ndarray
    notes: list[str]


def _setup(matrix: pd.DataFrame, weights: Mapping[str, float], directions: Mapping[str, object],
           normalization: str, ranges: Ranges | None) -> _Setup:
    """Validate everything once; return arrays for a core, the weights and the notes."""
    values, signs, low, high = prepare(matrix, directions, normalization, ranges)
    w = validate_weights(weights, list(matrix.columns))
    _, flat = normalize_core(values, signs, normalization, low, high)
    notes = [f"criterion '{c}' has weight 0: it is shown but does not change any score"
             for c in w.index[w == 0]]
    notes += matrix_notes(values, flat, normalization, low, high, matrix)
    return _Setup(values, signs, low, high, w, flat, notes)


def _attrs(method: str, normalization: str, w: pd.Series, signs: np.ndarray,
           notes: list[str]) -> dict[str, object]:
    """What a result reports about how it was computed (see the module docstring)."""
    return {"method": method, "normalization": normalization, "weights": w.to_dict(),
            "directions": {c: ("max" if s > 0 else "min") for c, s in zip(w.index, signs,
                                                                           strict=True)},
            "notes": notes}


def weighted_sum(matrix: pd.DataFrame, weights: Mapping[str, float],
                 directions: Mapping[str, object], normalization: str = "minmax",
                 ranges: Ranges | None = None) -> pd.Series:
    """Weighted-sum (SAW) score of each alternative.

    Parameters
    ----------
    matrix : pandas.DataFrame
        One row per alternative (the index names them), one column per criterion, each in its
        own unit (sessions/week, EUR, m², ...).
    weights : Mapping
        Criterion → weight ≥ 0, any scale (normalised to sum 1; see :func:`validate_weights`).
    directions : Mapping
        Criterion → ``"max"`` or ``"min"`` (aliases: ``"benefit"``, ``"cost"``, ``"+"``, ...).
    normalization : str
        ``"minmax"`` (default), ``"vector"``, ``"sum"``, ``"max"`` or ``"fixed"``.
    ranges : Mapping, optional
        For ``"fixed"`` only: criterion → ``(low, high)`` in its unit (or ``(worst, best)``).

    Returns
    -------
    pandas.Series
        Named ``"score"``, indexed like ``matrix``; unit-free, 0-1 for data inside its scale,
        higher is better. ``attrs`` as described in the module docstring.
    """
    values, signs, low, high, w, flat, notes = _setup(matrix, weights, directions,
                                                      normalization, ranges)
    scores = wsm_core(values, w.to_numpy(), signs, normalization, low, high)
    out = pd.Series(scores, index=matrix.index, name="score")
    out.attrs = _attrs("weighted_sum", normalization, w, signs, notes)
    return out


def topsis(matrix: pd.DataFrame, weights: Mapping[str, float], directions: Mapping[str, object],
           normalization: str = "vector", ranges: Ranges | None = None) -> pd.Series:
    """TOPSIS closeness coefficient of each alternative (0-1, higher is better).

    Arguments as in :func:`weighted_sum`; the default normalisation is ``"vector"``, the
    classic choice (Hwang & Yoon 1981; Tzeng & Huang 2011). With ``"fixed"`` the ideal and
    anti-ideal are the ends of the ranges (see :func:`topsis_core`).

    Returns
    -------
    pandas.Series
        Named ``"closeness"``, indexed like ``matrix``; ``attrs`` as in the module docstring.
    """
    values, signs, low, high, w, flat, notes = _setup(matrix, weights, directions,
                                                      normalization, ranges)
    closeness = topsis_core(values, w.to_numpy(), signs, normalization, low, high)
    if normalization != "fixed" and flat[w.to_numpy() > 0].all():
        notes.append("every weighted criterion is flat: the ideal and anti-ideal coincide, "
                     "so every alternative gets closeness 0.5")
    out = pd.Series(closeness, index=matrix.index, name="closeness")
    out.attrs = _attrs("topsis", normalization, w, signs, notes)
    return out


def contributions(matrix: pd.DataFrame, weights: Mapping[str, float],
                  directions: Mapping[str, object], normalization: str = "minmax",
                  ranges: Ranges | None = None) -> pd.DataFrame:
    """Each criterion's contribution to each alternative's weighted-sum score, as a tidy table.

    Arguments as in :func:`weighted_sum`.

    Returns
    -------
    pandas.DataFrame
        One row per alternative and criterion (alternatives in matrix order, criteria in column
        order) with columns ``alternative``, ``criterion``, ``raw`` (criterion's unit),
        ``normalised`` (0-1, higher is better), ``weight`` (sums to 1) and ``contribution``
        (= weight × normalised). The contributions of an alternative sum to its
        :func:`weighted_sum` score. ``attrs`` as in the module docstring.
    """
    values, signs, low, high, w, flat, notes = _setup(matrix, weights, directions,
                                                      normalization, ranges)
    normalised, _ = normalize_core(values, signs, normalization, low, high)
    n_alt, n_crit = values.shape
    out = pd.DataFrame({
        "alternative": np.repeat(matrix.index.to_numpy(), n_crit),
        "criterion": np.tile(matrix.columns.to_numpy(), n_alt),
        "raw": values.ravel(),
        "normalised": normalised.ravel(),
        "weight": np.tile(w.to_numpy(), n_alt),
    })
    out["contribution"] = out["weight"] * out["normalised"]
    out.attrs = _attrs("weighted_sum", normalization, w, signs, notes)
    return out


# --- AHP ----------------------------------------------------------------------------------

RANDOM_INDEX: dict[str, tuple[float, ...]] = {
    # Mean consistency index of random reciprocal matrices, for n = 1, 2, 3, ...
    # Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill. Used by pyDecision
    # and pyrepo-mcda.
    "saaty1980": (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49),
    # Saaty, T. L. (2005). Theory and Applications of the Analytic Network Process.
    # Pittsburgh: RWS Publications, p. 31. AHPy's random_index="saaty".
    "saaty2005": (0.0, 0.0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49),
    # Tummala, V. M. R. & Ling, H. (1998). A note on the computation of the mean random
    # consistency index of the AHP. Theory and Decision 44(3), 221-230. As in pymcdm 1.4
    # (weights.subjective.AHP.RI_M).
    "tummala_ling1998": (0.0, 0.0, 0.5799, 0.8921, 1.1159, 1.2358, 1.3322, 1.3952, 1.4537,
                         1.4882, 1.5117, 1.5356, 1.5571, 1.5714, 1.5831),
}
"""Random-index tables by name: ``RANDOM_INDEX[name][n - 1]`` is RI for an n × n matrix."""

CR_THRESHOLD = 0.10
"""Saaty's limit: a consistency ratio above it means the judgments should be revisited."""

AHP_METHODS = ("eigenvector", "geometric")

REVISIT_MAX = 3
"""At most this many judgements are named to revisit: a manager rethinks a few comparisons at
a time, and revising the worst changes the weights, and so which ones are worst next."""


@dataclass(frozen=True)
class AHPResult:
    """Weights derived from a pairwise-comparison matrix, and how consistent the judgments are.

    Attributes
    ----------
    weights : pandas.Series
        Criterion → weight, summing to 1, in the matrix's row order.
    consistency_ratio : float
        CR = CI / RI; 0 for n ≤ 2 (always consistent).
    consistency_index : float
        CI = (λ_max − n) / (n − 1).
    lambda_max : float
        Principal eigenvalue of the (reciprocal) matrix; n for perfectly consistent judgments.
    random_index : float
        RI for n from the chosen table.
    inconsistent : bool
        True when CR > 0.10 (Saaty's rule; Decision Lens' "consistency below 90 %").
    method, ri_table : str
        Weight derivation and RI table used: print them with the weights.
    """

    weights: pd.Series
    consistency_ratio: float
    consistency_index: float
    lambda_max: float
    random_index: float
    inconsistent: bool
    method: str
    ri_table: str


def _check_pairwise(pairwise: pd.DataFrame) -> np.ndarray:
    """Validate a pairwise matrix and return it exactly reciprocal, rows in index order."""
    if not isinstance(pairwise, pd.DataFrame):
        raise TypeError(f"pairwise must be a pandas DataFrame, got {type(pairwise).__name__}")
    rows, cols = list(pairwise.index), list(pairwise.columns)
    if (not rows or pairwise.index.has_duplicates or pairwise.columns.has_duplicates
            or len(rows) != len(cols) or set(rows) != set(cols)):
        raise ValueError(f"pairwise must be square with the same criteria as rows and columns; "
                         f"rows {rows}, columns {cols}")
    a = pairwise.loc[rows, rows].to_numpy(dtype=float, na_value=np.nan)
    for i, j in np.argwhere(~np.isfinite(a) | (a <= 0)):
        raise ValueError(f"comparison '{rows[i]}' vs '{rows[j]}': {a[i, j]} is not a positive "
                         "number")
    for i in np.flatnonzero(~np.isclose(np.diag(a), 1.0)):
        raise ValueError(f"comparison '{rows[i]}' vs itself must be 1, got {a[i, i]}")
    for i, j in np.argwhere(np.abs(a * a.T - 1.0) > 0.02):
        raise ValueError(f"comparisons '{rows[i]}' vs '{rows[j]}' ({a[i, j]:g}) and the reverse "
                         f"({a[j, i]:g}) are not reciprocal: their product should be 1")
    # Rounded entries (0.33 for 1/3) are made exactly reciprocal: a_ij -> sqrt(a_ij / a_ji).
    return np.sqrt(a / a.T)


def ahp_weights(pairwise: pd.DataFrame, method: str = "eigenvector",
                ri_table: str = "saaty1980") -> AHPResult:
    """Criterion weights from an AHP pairwise-comparison matrix, with Saaty's consistency ratio.

    Parameters
    ----------
    pairwise : pandas.DataFrame
        Square, rows and columns named by the same criteria; entry (i, j) says how many times
        more important i is than j (Saaty's 1-9 scale); reciprocal (a_ji = 1/a_ij, rounded
        entries such as 0.33 accepted within 2 %), ones on the diagonal.
    method : str
        ``"eigenvector"`` (Saaty's principal right eigenvector, default) or ``"geometric"``
        (normalised geometric means of the rows, Crawford & Williams 1985). They agree
        exactly on consistent judgments and differ slightly otherwise (pyDecision#15).
    ri_table : str
        A key of :data:`RANDOM_INDEX`: ``"saaty1980"`` (default), ``"saaty2005"`` or
        ``"tummala_ling1998"``. The table changes the CR, so report it with the result.

    Returns
    -------
    AHPResult
        λ_max is the principal eigenvalue for either method: CR measures the judgments,
        not the derivation.
    """
    if method not in AHP_METHODS:
        raise ValueError(f"method {method!r} is unknown; {did_you_mean(str(method), AHP_METHODS)}"
                         f"choose one of {AHP_METHODS}")
    if ri_table not in RANDOM_INDEX:
        raise ValueError(f"ri_table {ri_table!r} is unknown; "
                         f"{did_you_mean(str(ri_table), RANDOM_INDEX)}"
                         f"choose one of {tuple(RANDOM_INDEX)}")
    a = _check_pairwise(pairwise)
    n, table = a.shape[0], RANDOM_INDEX[ri_table]
    if n > len(table):
        raise ValueError(f"ri_table {ri_table!r} covers up to {len(table)} criteria, got {n}; "
                         "use 'tummala_ling1998' (up to 15) or group the criteria")
    eigenvalues, eigenvectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    if method == "eigenvector":
        w = np.abs(eigenvectors[:, k].real)
    else:
        w = np.exp(np.log(a).mean(axis=1))
    # A consistent matrix has lambda_max = n exactly; the eigen solver's rounding (a few
    # n * machine epsilon, depending on the BLAS) is not inconsistency, so it counts as 0.
    excess = lambda_max - n
    ci = excess / (n - 1) if n > 2 and excess > 1e-9 * n else 0.0
    ri = table[n - 1]
    cr = ci / ri if ri > 0 else 0.0
    weights = pd.Series(w / w.sum(), index=pairwise.index, name="weight")
    return AHPResult(weights=weights, consistency_ratio=cr, consistency_index=ci,
                     lambda_max=lambda_max, random_index=ri, inconsistent=cr > CR_THRESHOLD,
                     method=method, ri_table=ri_table)


def judgement_errors(pairwise: pd.DataFrame) -> pd.DataFrame:
    """How far each pairwise judgement is from what the others imply, worst first.

    With ``w`` the principal eigenvector of the (exactly reciprocal) matrix ``A``, the error
    of judgement ``a_ij`` is ``e_ij = a_ij * w_j / w_i``: 1 for every pair when the
    judgements are consistent, and otherwise the factor by which ``a_ij`` differs from the
    ratio ``w_i / w_j`` the whole set implies. Saaty (2003), "Decision-making with the AHP:
    Why is the principal eigenvector necessary", European Journal of Operational Research
    145(1), 85-91, improves consistency by revising first the judgement whose ``e_ij`` is
    farthest from 1, towards ``w_i / w_j``. The inconsistency splits exactly over the pairs,
    since ``lambda_max = sum_j e_ij`` for every row ``i`` of the eigenvector equation:
    ``lambda_max - n = (1/n) * sum_{i<j} (e_ij + 1/e_ij - 2)`` (Saaty 1990, "How to make a
    decision: The analytic hierarchy process", EJOR 48(1), 9-26), so each pair's term over
    the sum is its share of the consistency index.

    Parameters
    ----------
    pairwise : pandas.DataFrame
        As in :func:`ahp_weights` (checked the same way).

    Returns
    -------
    pandas.DataFrame
        One row per pair ``i < j`` in the matrix's row order: ``criterion`` and ``other`` (the
        pair), ``judgement`` (``a_ij``: how many times as important ``criterion`` is as
        ``other``, as given), ``implied`` (``w_i / w_j``), ``error`` (``max(e_ij, 1/e_ij)``,
        1 = consistent) and ``share`` of the inconsistency (0-1, summing to 1; 0 for every
        pair when the judgements are consistent, as :func:`ahp_weights` counts them). Worst
        first; ties keep the matrix's order.
    """
    a = _check_pairwise(pairwise)
    names, n = list(pairwise.index), a.shape[0]
    eigenvalues, eigenvectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    w = np.abs(eigenvectors[:, k].real)
    w = w / w.sum()
    i, j = np.triu_indices(n, k=1)
    e = a[i, j] * w[j] / w[i]
    terms = e + 1.0 / e - 2.0
    # As in ahp_weights: an excess of lambda_max within rounding is no inconsistency.
    excess = terms.sum() / n if n else 0.0
    share = terms / terms.sum() if n > 2 and excess > 1e-9 * n else np.zeros_like(terms)
    table = pd.DataFrame({"criterion": [names[x] for x in i], "other": [names[x] for x in j],
                          "judgement": a[i, j], "implied": w[i] / w[j],
                          "error": np.maximum(e, 1.0 / e), "share": share})
    return table.sort_values("share", ascending=False, kind="stable", ignore_index=True)


def judgements_to_revisit(pairwise: pd.DataFrame, ri_table: str = "saaty1980"
                          ) -> pd.DataFrame:
    """The judgements to revisit first, by Saaty's (2003) procedure; rows of the errors table.

    The worst judgement of :func:`judgement_errors` is named and replaced by the ratio the
    weights imply, ``w_i / w_j``; the weights and errors are recomputed, and the next worst
    of the judgements not yet named is named, until the consistency ratio is at most
    :data:`CR_THRESHOLD` (with ``ri_table``, as :func:`ahp_weights` computes it) or
    :data:`REVISIT_MAX` are named. Revising one judgement moves the weights, so the next
    worst is found on the revised matrix, not read off the first table.

    Returns
    -------
    pandas.DataFrame
        The named pairs' rows of ``judgement_errors(pairwise)`` (the judgements as given and
        the ratios the given set implies), in the order named; empty when consistent.
    """
    errors = judgement_errors(pairwise)
    revised = pd.DataFrame(_check_pairwise(pairwise), index=pairwise.index,
                           columns=pairwise.index)
    named: list[tuple[str, str]] = []
    while (len(named) < REVISIT_MAX
           and ahp_weights(revised, ri_table=ri_table).inconsistent):
        table = judgement_errors(revised)
        pairs = list(zip(table["criterion"], table["other"], strict=True))
        first, second = next(pair for pair in pairs if pair not in named)
        implied = table["implied"].to_numpy()[pairs.index((first, second))]
        revised.loc[first, second], revised.loc[second, first] = implied, 1.0 / implied
        named.append((first, second))
    keyed = errors.set_index(["criterion", "other"])
    return keyed.loc[named].reset_index() if named else errors.iloc[:0]
