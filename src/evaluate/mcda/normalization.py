"""Normalisation of a decision matrix: raw criterion values to "higher is better" values.

Every scoring method in :mod:`evaluate.mcda.scoring` first maps each criterion onto a common,
unit-free scale on which a larger value is better. The choice of scale changes rankings (in
Opricovic & Tzeng's 2004 example, ``tests/mcda/test_scoring.py``, TOPSIS picks another winner under
min-max than under vector normalisation), so it is always an explicit, named option and it is
recorded with every result.

========  ===========================  ================================  =======================
name      benefit (``"max"``)          cost (``"min"``)                  depends on the others?
========  ===========================  ================================  =======================
minmax    (x - min) / (max - min)      (max - x) / (max - min)           yes (min, max)
vector    x / ‖x‖₂                     1 - x / ‖x‖₂                      yes (‖x‖₂)
sum       x / Σx                       (1/x) / Σ(1/x)                    yes (Σ)
max       x / max                      1 - x / max                       yes (max)
fixed     (x - low) / (high - low)     (high - x) / (high - low)         no: analyst-set range
========  ===========================  ================================  =======================

The cost forms of ``vector``, ``sum`` and ``max`` are those of pymcdm 1.4
(``pymcdm.normalizations``), so results can be cross-checked against it. ``vector`` takes a
column with negative values (an NPV below 0) shifted first so its lowest value is 0: the norm
of signed values would give negative normalised values, and a weighted sum below 0 (pymcdm
leaves them signed; for values of one sign both agree). Only ``fixed`` gives a
value that does not change when an alternative is added or removed, which is what protects the
winner from rank reversal.

A column without spread (every alternative has the same value, or the formula's denominator
is zero) cannot change the order. Where the formula would divide by zero its normalised value
is defined as 0 for every alternative, and the wrappers report the criterion in their notes.

The array core :func:`normalize_core` takes values with any leading axes
(``(..., alternatives, criteria)``), so a Monte Carlo normalises every draw in one call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from evaluate.errors import did_you_mean

NORMALIZATIONS = ("minmax", "vector", "sum", "max", "fixed")
"""Normalisations offered by every scoring function, by name."""

RATIO_SCALES = ("sum", "max")
"""Normalisations that divide by a column total or maximum: they need values ≥ 0."""

_MAX_ALIASES = {"max", "maximize", "maximise", "benefit", "profit", "+", ">", "1", "+1"}
_MIN_ALIASES = {"min", "minimize", "minimise", "cost", "-", "<", "-1"}


def direction_sign(direction: object, criterion: str = "?") -> int:
    """Return +1 for a criterion to maximise and -1 for one to minimise.

    Accepts ``"max"``/``"min"`` and the aliases scikit-criteria accepts
    (``"maximize"``, ``"+"``, ``">"``, ``1``, ``max``, ``numpy.max``; likewise for min), plus
    ``"benefit"``/``"profit"`` and ``"cost"``. Raises ``ValueError`` naming the criterion for
    anything else.
    """
    if direction in (max, np.max, np.amax):
        return 1
    if direction in (min, np.min, np.amin):
        return -1
    text = str(direction).strip().lower()
    if text in _MAX_ALIASES:
        return 1
    if text in _MIN_ALIASES:
        return -1
    raise ValueError(f"criterion '{criterion}': direction {direction!r} is not 'max' or 'min'")


def as_mapping(given: Mapping[str, object] | pd.Series) -> Mapping[str, object]:
    """A plain dict from a Mapping or a Series (iterating a Series yields values, not keys)."""
    if isinstance(given, pd.Series):
        return given.to_dict()
    if not isinstance(given, Mapping):
        raise TypeError(f"expected a mapping criterion -> value, got {type(given).__name__}")
    return given


def check_keys(given: Mapping[str, object], criteria: Sequence[str], what: str) -> None:
    """Raise ``ValueError`` naming a criterion missing from ``given`` or unknown to the matrix."""
    unknown = [k for k in given if k not in criteria]
    if unknown:
        hint = did_you_mean(str(unknown[0]), [str(c) for c in criteria])
        raise ValueError(f"{what} name criteria that are not matrix columns: {unknown}; {hint}"
                         f"columns are {list(criteria)}")
    missing = [c for c in criteria if c not in given]
    if missing:
        raise ValueError(f"{what} missing for criteria {missing}: give one for every column")


def direction_signs(directions: Mapping[str, object], criteria: Sequence[str]) -> np.ndarray:
    """Signs (+1 maximise, -1 minimise) in the order of ``criteria``, checked.

    Every criterion needs a direction (there is no default: a forgotten cost criterion
    would silently reward the most expensive machine).
    """
    directions = as_mapping(directions)
    check_keys(directions, criteria, "directions")
    return np.array([direction_sign(directions[c], c) for c in criteria], dtype=float)


def fixed_bounds(ranges: Mapping[str, Sequence[float]] | None, criteria: Sequence[str],
                 signs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Check analyst-set ranges and return ``(low, high)`` arrays in the order of ``criteria``.

    Each range is a pair in the criterion's own unit. Written in increasing order it reads as
    ``(low, high)`` whatever the direction; written in decreasing order it can only mean
    ``(worst, best)`` of a criterion to minimise, and is refused for a criterion to maximise.
    """
    if ranges is None:
        raise ValueError("normalization='fixed' needs ranges={criterion: (low, high)} "
                         "for every criterion")
    given: Mapping[str, Any] = as_mapping(ranges)  # each value checked to be a pair below
    check_keys(given, criteria, "ranges")
    low, high = np.empty(len(criteria)), np.empty(len(criteria))
    for j, c in enumerate(criteria):
        pair = given[c]
        try:
            a, b = (float(v) for v in pair)
        except (TypeError, ValueError):
            raise ValueError(f"criterion '{c}': range {pair!r} is not a pair of numbers") from None
        if not (np.isfinite(a) and np.isfinite(b)) or a == b:
            raise ValueError(f"criterion '{c}': range {pair!r} needs two different finite ends")
        if a > b and signs[j] > 0:
            raise ValueError(f"criterion '{c}': range {pair!r} is decreasing, i.e. (worst, best) "
                             "with the best lowest, but the direction is 'max'")
        low[j], high[j] = min(a, b), max(a, b)
    return low, high


def signs_and_bounds(criteria: Sequence[str], directions: Mapping[str, str],
           ranges: Mapping[str, tuple[float, float]] | None
           ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Signs and, for ``"fixed"`` scales, the checked ``(low, high)`` arrays."""
    signs = direction_signs(directions, criteria)
    if ranges is None:
        return signs, None, None
    low, high = fixed_bounds(ranges, criteria, signs)
    return signs, low, high


def check_matrix(matrix: pd.DataFrame) -> np.ndarray:
    """Check a decision matrix (rows alternatives, columns criteria) and return its float values.

    Raises ``ValueError`` naming the criterion (and alternative) for an empty matrix, repeated
    names, a non-numeric column or a missing or infinite value.
    """
    if not isinstance(matrix, pd.DataFrame):
        raise TypeError(f"matrix must be a pandas DataFrame, got {type(matrix).__name__}")
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise ValueError(f"matrix is empty ({matrix.shape[0]} alternatives × "
                         f"{matrix.shape[1]} criteria)")
    for axis, labels in (("alternatives", matrix.index), ("criteria", matrix.columns)):
        if labels.has_duplicates:
            raise ValueError(f"{axis} are repeated: {sorted(set(labels[labels.duplicated()]))}")
    for c in matrix.columns:
        if not pd.api.types.is_numeric_dtype(matrix[c]) or pd.api.types.is_bool_dtype(matrix[c]):
            raise ValueError(f"criterion '{c}' is not numeric (dtype {matrix[c].dtype})")
    values = matrix.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"criterion '{matrix.columns[j]}', alternative '{matrix.index[i]}': "
                         f"value {values[i, j]} is missing or infinite")
    return values


def check_ratio_scale(values: np.ndarray, signs: np.ndarray, normalization: str,
                      alternatives: Sequence[object], criteria: Sequence[str]) -> None:
    """Refuse values the ``sum`` and ``max`` normalisations cannot divide meaningfully.

    They need values ≥ 0 (a ratio scale); ``sum`` on a cost criterion takes 1/x, so it needs
    values > 0. Use ``minmax`` or ``fixed`` for criteria such as NPV that can be negative.
    """
    if normalization not in RATIO_SCALES:
        return
    strict = (signs < 0) & (normalization == "sum")
    bad = (values < 0) | ((values <= 0) & strict)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        need = "> 0" if strict[j] else "≥ 0"
        raise ValueError(f"criterion '{criteria[j]}', alternative '{alternatives[i]}': "
                         f"normalization={normalization!r} needs values {need}, got "
                         f"{values[i, j]}; use 'minmax' or 'fixed' for this criterion")


def normalize_core(values: np.ndarray, signs: np.ndarray, normalization: str = "minmax",
                   low: np.ndarray | None = None,
                   high: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Normalise criterion values to "higher is better" without validation.

    Parameters
    ----------
    values : numpy.ndarray
        Raw values, shape ``(..., alternatives, criteria)`` (e.g. ``(draws, A, C)``).
    signs : numpy.ndarray
        ``(criteria,)``: +1 to maximise, -1 to minimise.
    normalization : str
        One of :data:`NORMALIZATIONS` (formulas in the module docstring).
    low, high : numpy.ndarray, optional
        ``(criteria,)`` ends of the analyst-set scale; only for ``"fixed"``.

    Returns
    -------
    normalised : numpy.ndarray
        Same shape as ``values``; unit-free, larger is better (0-1 for data inside its scale).
    flat : numpy.ndarray
        ``(..., criteria)`` bool: True where the column has no spread across alternatives.
        Where the formula would divide by zero the column is set to 0.
    """
    x = np.asarray(values, dtype=float)
    benefit = np.asarray(signs) > 0
    lo, hi = x.min(axis=-2, keepdims=True), x.max(axis=-2, keepdims=True)
    flat = (hi == lo)[..., 0, :]
    if normalization == "fixed":
        span = np.asarray(high, dtype=float) - np.asarray(low, dtype=float)
        return np.where(benefit, x - low, high - x) / span, flat
    if normalization == "minmax":
        num, den = np.where(benefit, x - lo, hi - x), np.broadcast_to(hi - lo, x.shape)
        return _safe_divide(num, den), flat
    if normalization == "vector":
        x = x - np.minimum(lo, 0.0)  # a column with negative values starts at 0 (docstring)
        r = _safe_divide(x, np.broadcast_to(np.sqrt((x * x).sum(axis=-2, keepdims=True)),
                                            x.shape))
        zero = np.broadcast_to((hi == 0) & (lo == 0), x.shape)
        return np.where(benefit | zero, r, 1.0 - r), flat
    if normalization == "max":
        r = _safe_divide(x, np.broadcast_to(hi, x.shape))
        zero = np.broadcast_to(hi == 0, x.shape)
        return np.where(benefit | zero, r, 1.0 - r), flat
    if normalization == "sum":
        inv = _safe_divide(np.ones_like(x), x)
        t = np.where(benefit, x, inv)
        return _safe_divide(t, np.broadcast_to(t.sum(axis=-2, keepdims=True), x.shape)), flat
    raise ValueError(f"normalization {normalization!r} is not one of {NORMALIZATIONS}")


def _safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den``, with 0 where ``den`` is 0 (a column without spread)."""
    return np.divide(num, den, out=np.zeros(np.shape(num)), where=den != 0)


def normalize_matrix(matrix: pd.DataFrame, directions: Mapping[str, object],
                     normalization: str = "minmax",
                     ranges: Mapping[str, Sequence[float]] | None = None) -> pd.DataFrame:
    """Return the normalised decision matrix ("higher is better", unit-free), checked.

    Parameters
    ----------
    matrix : pandas.DataFrame
        One row per alternative, one column per criterion, in each criterion's own unit.
    directions : Mapping
        Criterion → ``"max"`` or ``"min"`` (or an alias, see :func:`direction_sign`).
    normalization : str
        One of :data:`NORMALIZATIONS`.
    ranges : Mapping, optional
        Criterion → ``(low, high)`` (or ``(worst, best)``), required for ``"fixed"``.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``matrix``; ``attrs["normalization"]`` and ``attrs["notes"]`` as in
        :func:`evaluate.mcda.scoring.weighted_sum`.
    """
    values, signs, low, high = prepare(matrix, directions, normalization, ranges)
    normalised, flat = normalize_core(values, signs, normalization, low, high)
    out = pd.DataFrame(normalised, index=matrix.index, columns=matrix.columns)
    out.attrs = {"normalization": normalization,
                 "notes": matrix_notes(values, flat, normalization, low, high, matrix)}
    return out


def prepare(matrix: pd.DataFrame, directions: Mapping[str, object], normalization: str,
            ranges: Mapping[str, Sequence[float]] | None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Validate a matrix, its directions and its normalisation; return the arrays for a core."""
    if normalization not in NORMALIZATIONS:
        hint = did_you_mean(str(normalization), NORMALIZATIONS)
        raise ValueError(f"normalization {normalization!r} is unknown; {hint}"
                         f"choose one of {NORMALIZATIONS}")
    values = check_matrix(matrix)
    criteria = list(matrix.columns)
    signs = direction_signs(directions, criteria)
    low = high = None
    if normalization == "fixed":
        low, high = fixed_bounds(ranges, criteria, signs)
    elif ranges is not None:
        raise ValueError(f"ranges only apply to normalization='fixed', not {normalization!r}")
    check_ratio_scale(values, signs, normalization, list(matrix.index), criteria)
    return values, signs, low, high


def matrix_notes(values: np.ndarray, flat: np.ndarray, normalization: str,
                 low: np.ndarray | None, high: np.ndarray | None,
                 matrix: pd.DataFrame) -> list[str]:
    """Plain-language notes on columns without spread and on values outside a fixed scale."""
    notes = []
    for j, c in enumerate(matrix.columns):
        if flat[j]:
            divides_by_zero = normalization == "minmax" or (
                normalization != "fixed" and values[0, j] == 0)
            why = (f"; {normalization!r} would divide by 0, so its normalised value is set to 0"
                   if divides_by_zero else "")
            notes.append(f"criterion '{c}' has the same value ({values[0, j]:g}) for every "
                         f"alternative: it cannot change the order{why}")
        if normalization == "fixed" and low is not None and high is not None:
            outside = matrix.index[(values[:, j] < low[j]) | (values[:, j] > high[j])]
            if len(outside):
                notes.append(f"criterion '{c}': {list(outside)} lie outside the fixed range "
                             f"[{low[j]:g}, {high[j]:g}]; their values extrapolate linearly "
                             "beyond 0-1")
    return notes
