"""Seeded draws of the model's ranged inputs: Beta-PERT (default) or triangular.

**Distributions.** A range ``low ≤ most_likely ≤ high`` with ``low < high`` is drawn from

- ``"pert"`` (default): the Beta-PERT distribution with shape ``λ = 4``:
  ``x = low + (high - low) · B`` with ``B ~ Beta(α, β)``,
  ``α = 1 + λ (most_likely - low) / (high - low)``, ``β = 1 + λ (high - most_likely) /
  (high - low)``. Its mean is ``(low + λ·most_likely + high) / (λ + 2)``, i.e.
  ``(low + 4·most_likely + high) / 6``, and its mode is ``most_likely``; it puts less weight on
  the ends than the triangular distribution, which suits ranges that are judgements.
- ``"triangular"``: the triangular distribution on ``(low, most_likely, high)``; mean
  ``(low + most_likely + high) / 3``.

A range with ``low == high`` is not drawn: every draw takes that value. Assumptions flagged
``integer`` in :data:`~evaluate.data.assumptions.CATALOGUE` (``horizon_years``) are rounded to the
nearest whole number after drawing.

**Seeds and streams.** One integer ``seed`` makes every number reproducible. Each named
quantity gets its *own* random stream, a child of the seed keyed by its name
(:func:`stream`: ``numpy.random.SeedSequence(seed, spawn_key=(crc32(name),))``), and draws
``draws`` values from it. A quantity's draws therefore depend only on the seed, its name, its
range and the number of draws: adding or removing a candidate (its price is the quantity
``price:<equipment_id>``), reordering assumptions, or narrowing another range changes no other
quantity's draws. Different names are statistically independent streams.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Literal

import numpy as np

from evaluate.data.assumptions import CATALOGUE, Assumption

Method = Literal["pert", "triangular"]
METHODS: tuple[str, ...] = ("pert", "triangular")
PERT_LAMBDA = 4.0  # the standard Beta-PERT shape; the mean weights most_likely by 4
Range = tuple[float, float, float]  # low, most likely, high


def as_range(value: Assumption | Range) -> Range:
    """``(low, most_likely, high)`` of an :class:`Assumption` or of a triple, as floats."""
    if isinstance(value, Assumption):
        return (float(value.low), float(value.most_likely), float(value.high))
    low, likely, high = value
    return (float(low), float(likely), float(high))


def stream(seed: int, name: str) -> np.random.Generator:
    """The random stream of the quantity ``name`` under ``seed`` (see the module docstring)."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))


def pert_parameters(low: float, most_likely: float, high: float,
                    lam: float = PERT_LAMBDA) -> tuple[float, float]:
    """The Beta shapes ``(α, β)`` of a PERT range (``low < high``)."""
    width = high - low
    return (1.0 + lam * (most_likely - low) / width, 1.0 + lam * (high - most_likely) / width)


def pert_mean(low: float, most_likely: float, high: float, lam: float = PERT_LAMBDA) -> float:
    """Mean of the PERT distribution: ``(low + λ·most_likely + high) / (λ + 2)``."""
    return (low + lam * most_likely + high) / (lam + 2.0)


def draw_range(rng: np.random.Generator, value: Range, draws: int,
               method: Method = "pert") -> np.ndarray:
    """``draws`` values of one range, shape ``(draws,)``, in the range's own unit.

    A fixed range (``low == high``) gives that value without using ``rng``.

    Raises
    ------
    ValueError
        If the range is out of order or ``method`` is unknown.
    """
    low, likely, high = value
    if not low <= likely <= high:
        raise ValueError(f"range out of order: low {low}, most likely {likely}, high {high}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if low == high:
        return np.full(draws, float(low))
    if method == "triangular":
        return rng.triangular(low, likely, high, draws)
    alpha, beta = pert_parameters(low, likely, high)
    return np.clip(low + (high - low) * rng.beta(alpha, beta, draws), low, high)


def draw_assumptions(assumptions: Mapping[str, Assumption | Range], draws: int, seed: int,
                     method: Method = "pert") -> dict[str, np.ndarray]:
    """Draw every ranged assumption; fixed ones are constant.

    Parameters
    ----------
    assumptions
        By name: :class:`~evaluate.data.assumptions.Assumption` objects or plain
        ``(low, most_likely, high)`` triples (for quantities outside the catalogue, e.g.
        ``price:reverse_hyper``).
    draws
        Number of draws (≥ 1).
    seed
        The seed; each name draws from its own stream (:func:`stream`).
    method
        ``"pert"`` (Beta-PERT, λ = 4) or ``"triangular"``.

    Returns
    -------
    dict of numpy.ndarray
        By name, in the order given, each of shape ``(draws, 1)`` (a column that broadcasts
        against candidates) and in the assumption's own unit.
    """
    if draws < 1:
        raise ValueError(f"draws must be at least 1, not {draws}")
    out = {}
    for name, value in assumptions.items():
        values = draw_range(stream(seed, name), as_range(value), draws, method)
        spec = CATALOGUE.get(name)
        if spec is not None and spec.integer:
            values = np.round(values)
        out[name] = values[:, None]
    return out
