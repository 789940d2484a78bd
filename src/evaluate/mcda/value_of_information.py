"""What more information is worth: the expected value of perfect (partial) information.

A decision among options ``d`` whose net benefit ``NB(d, θ)`` depends on uncertain inputs
``θ``, known only as Monte Carlo draws (an array ``(draws, options)``):

- the **expected value of perfect information** (EVPI) is the expected gain from deciding
  after learning every input: ``E[max_d NB(d, θ)] - max_d E[NB(d, θ)]`` (:func:`evpi`);
- the **expected value of partial perfect information** (EVPPI) of a group of inputs ``φ`` is
  the gain from learning ``φ`` alone: ``E_φ[max_d E(NB(d, θ) | φ)] - max_d E[NB(d, θ)]``
  (:func:`evppi`).

Both are in the unit of the net benefit (money, when it is an NPV) and bound what any study
of those inputs could be worth: a study that costs more is not worth doing.

EVPPI is estimated from the draws already made by the regression method of Strong, Oakley and
Brennan (2014, "Estimating multiparameter partial expected value of perfect information from
a probabilistic sensitivity analysis sample: a nonparametric regression approach", *Medical
Decision Making* 34(3)): each option's net benefit is regressed on a smooth function of
``φ`` and the fitted values stand for ``E(NB | φ)``. Here the smooth function is additive
over the inputs of ``φ``, each a natural cubic regression spline (Hastie, Tibshirani and
Friedman, *The Elements of Statistical Learning*, 2nd ed. 2009, §5.2.1) with knots at the
input's quantiles, fitted by least squares. The regression is on each option's difference
from the first option, so an input that moves every option alike drops out exactly. Being
additive, it misses interactions between the inputs of one group (a group's EVPPI may be
under-estimated when they matter jointly). Fitting the draws' noise biases it upward: an
input that moves nothing gets a small positive value, largest when options are close on
average and draws few (a few per cent of the EVPI at 4,000 draws in the tests). The result
is kept within ``[0, EVPI]``, which any true value satisfies.

Written here, in a few lines of numpy, rather than taken from a library: no small,
well-kept Python package implements the method (R has ``voi`` and ``dampack``), and
scikit-learn's ``SplineTransformer`` would add a large dependency for one basis. It is also
fast: one least-squares solve per group of inputs covers every option at once.
"""

from __future__ import annotations

import numpy as np

#: Knots per input of the spline, boundary knots included: 4 basis columns per input (a
#: straight line and 3 bends). Enough for the smooth, mostly monotone ways an NPV depends on
#: one input, and few enough that fitting the draws' noise adds little (about 4 / draws of
#: the residual variance).
KNOTS = 5


def _net_benefit(net_benefit: np.ndarray) -> np.ndarray:
    nb = np.asarray(net_benefit, dtype=float)
    if nb.ndim != 2 or nb.shape[0] < 2 or nb.shape[1] < 1:
        raise ValueError(f"net_benefit must be (draws >= 2, options >= 1), got {nb.shape}")
    if not np.isfinite(nb).all():
        raise ValueError("net_benefit must be finite in every draw")
    return nb


def evpi(net_benefit: np.ndarray) -> float:
    """The expected value of perfect information of a decision, in net-benefit units.

    ``net_benefit`` is ``(draws, options)``: each option's net benefit in each Monte Carlo
    draw (include every option, e.g. buying nothing as a column of zeros). Returns
    ``mean(max over options) - max(mean over draws)``, at least 0; 0 when one option is best
    in every draw.
    """
    return _regret(_net_benefit(net_benefit))


def _regret(values: np.ndarray) -> float:
    """``mean(max over options) - max(mean over draws)``, at least 0.

    Computed as the mean shortfall of the option best on average, so that it is exactly 0
    when that option is best in every draw.
    """
    best = int(np.argmax(values.mean(axis=0)))
    return max(float(np.mean(values.max(axis=1) - values[:, best])), 0.0)


def spline_basis(x: np.ndarray, knots: int = KNOTS) -> np.ndarray:
    """A natural cubic spline basis of one input, without the constant: ``(draws, columns)``.

    Knots at ``knots`` evenly spaced quantiles of ``x``, each a value it takes (the ends at its
    minimum and maximum; repeated knots merged). The first column is ``x`` itself (rescaled
    to [0, 1]); the others are the truncated-power bends of Hastie, Tibshirani and Friedman
    (2009, eq. 5.4-5.5), straight beyond the boundary knots. An input with fewer than three
    distinct knots gets the straight line only; an input that never varies gets no column.
    """
    x = np.asarray(x, dtype=float).ravel()
    low, high = float(x.min()), float(x.max())
    if not high > low:
        return np.empty((x.size, 0))
    z = (x - low) / (high - low)
    xi = np.unique(np.quantile(z, np.linspace(0.0, 1.0, knots), method="inverted_cdf"))
    if xi.size < 3:
        return z[:, None]
    cubes = np.maximum(z[:, None] - xi[None, :], 0.0) ** 3  # (draws, knots)
    d = (cubes[:, :-1] - cubes[:, -1:]) / (xi[-1] - xi[:-1])  # d_k, k = 1 .. K - 1
    return np.column_stack([z, d[:, :-1] - d[:, -1:]])


def conditional_means(net_benefit: np.ndarray, phi: np.ndarray,
                      knots: int = KNOTS) -> np.ndarray:
    """Each option's fitted ``E(NB | φ)`` in each draw, ``(draws, options)`` (module docstring).

    ``phi`` is ``(draws,)`` or ``(draws, k)``: the drawn values of the ``k`` inputs learnt.
    Each option's difference from the first is regressed by least squares on a constant and
    the additive spline basis of every input (:func:`spline_basis`); the first option's own
    net benefit is replaced by its mean (learning ``φ`` alone cannot tell draws apart beyond
    what ``φ`` explains, and only differences between options matter to the choice). With
    inputs that never vary the fitted values are the options' means.
    """
    nb = _net_benefit(net_benefit)
    values = np.asarray(phi, dtype=float)
    values = values[:, None] if values.ndim == 1 else values
    if values.ndim != 2 or values.shape[0] != nb.shape[0]:
        raise ValueError(f"phi must be (draws,) or (draws, k) with {nb.shape[0]} draws, got "
                         f"{np.shape(phi)}")
    if not np.isfinite(values).all():
        raise ValueError("phi must be finite in every draw")
    first = nb[:, :1]
    differences = nb - first
    columns = [spline_basis(values[:, j], knots) for j in range(values.shape[1])]
    design = np.column_stack([np.ones(nb.shape[0]), *columns])
    return np.einsum("di,ik->dk", design, least_squares(design, differences)) + first.mean()


def least_squares(design: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The least-squares coefficients of ``targets`` on ``design``, every column at once.

    By the normal equations on columns scaled to unit length, solved by a pseudo-inverse
    (columns that repeat others get no weight): a small ``(columns, columns)`` system, far
    faster than a factorisation of the whole ``(draws, columns)`` design, and accurate enough
    for a smooth basis on [0, 1]. The products go through ``numpy.einsum``'s own loops, not a
    multithreaded BLAS: a BLAS thread waiting for a busy core (a build runs reports side by
    side) can take a hundred times longer than these few million multiplications.
    """
    scale = np.sqrt(np.einsum("di,di->i", design, design))
    scale[scale == 0] = 1.0
    scaled = design / scale
    gram = np.einsum("di,dj->ij", scaled, scaled)
    moments = np.einsum("di,dk->ik", scaled, targets)
    return (np.linalg.pinv(gram, rcond=1e-10, hermitian=True) @ moments) / scale[:, None]


def evppi(net_benefit: np.ndarray, phi: np.ndarray, knots: int = KNOTS) -> float:
    """The expected value of partial perfect information of the inputs ``phi``.

    ``net_benefit`` is ``(draws, options)`` as for :func:`evpi`; ``phi`` is ``(draws,)`` or
    ``(draws, k)``, the same draws' values of the inputs learnt. Returns
    ``mean(max fitted) - max(mean fitted)`` with the fitted values of
    :func:`conditional_means`, kept within ``[0, EVPI]``: 0 for inputs that never vary or do
    not change which option is best.
    """
    return min(_regret(conditional_means(net_benefit, phi, knots)), evpi(net_benefit))
