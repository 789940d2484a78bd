"""With versus without: what a machine adds to the club as it is, beside the machines it owns.

A candidate's benefits count only what it adds (incremental cash flows: the club with the
machine minus the club without it). Members' needs (:data:`evaluate.model.demand.NEEDS`) are
covered by the machines the club owns, ``S``, and a candidate ``c`` together. With ``r_mk``
the uptake rate of machine ``m`` for need ``k`` (:func:`evaluate.model.demand.relevance_rates`)
and the substitution parameter ``ρ`` (the assumption ``substitution``, 0-1, drawn in the Monte
Carlo until a usage review measures it), the share of a need's members the owned machines turn
into regular users, and the share with the candidate beside them, are::

    C_k(S)       = 1 - Π_{m in S} (1 - r_mk)
    C_k(S ∪ {c}) = (1 - ρ) [1 - (1 - C_k(S)) (1 - r_ck)] + ρ max(C_k(S), r_ck)

With ``ρ = 0`` machines add users independently (a member who does not use the owned machines
may use the new one); with ``ρ = 1`` a machine adds nothing where the owned machines already
serve the need as well (its users would have used them instead), only the margin by which it
serves the need better. Users per member follow the model's rule for needs,
``U_s(S) = 1 - Π_k (1 - need_sk C_k(S))``, and the users a candidate adds are
``ΔU_c = Σ_s n_s [U_s(S ∪ {c}) - U_s(S)]``. Since ``max(a, b) <= 1 - (1 - a)(1 - b)``,
``C_k(S ∪ {c})`` never grows with ``ρ``, so neither does ``ΔU_c``; with nothing owned that
serves the same needs it is the stand-alone users. (A first form of this rule took the largest
owned rate, ``max_{m in S} r_mk``, for the owned side under substitution; it lets the added
users grow with ``ρ`` when the candidate's rate is above every owned one, so it is not used.)
A set of candidates ``T`` is valued jointly the same way, with ``Π_T (1 - r_ck)`` and
``max_T r_ck``: two machines serving the same need add less together than the sum of what each
adds alone.

**Who uses which machine.** Inside a set the need's users are shared between its machines
(:func:`shared_rates`): with ``ρ = 0`` each machine keeps its own rate; with ``ρ = 1`` the
set's coverage is split in proportion to each machine's rate; in between, linearly.
A candidate's own use (its users, sessions and queue) comes from its shared rate, and what it
draws from an owned machine is that machine's use without the candidate minus its use with it.

**A second unit** of an owned machine covers no need the first does not, so it adds users only
where the first is short of capacity at the busiest hour (:func:`served_share`): the members
the owned units cannot serve within the busy share ``target_peak_utilisation`` (GYMetrix:
keep 40-60% of units free at peak) are served by the new unit up to its capacity.

The functions are array cores (no validation) that broadcast over draws and candidates; they
know nothing of the roster (:func:`evaluate.model.demand.forecast_core` applies them to the
segments).

Sources: the with-versus-without rule of capital budgeting (incremental cash flows, including
cannibalisation of existing products); the formula is one of several reasonable ones, chosen
because it has the properties above and reduces to the stand-alone model with nothing owned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEW = -1  # ``same_as`` of a candidate the club does not own


@dataclass(frozen=True)
class OwnedMachines:
    """The machines the club owns, as arrays, in the order of ``ids``.

    ``levels`` are relevance codes or positions ``(machines, needs)`` (as for
    :func:`evaluate.model.demand.relevance_rates`); ``servers`` members served at once (units ×
    stations); ``session_minutes`` minutes per session; ``factor`` the uptake factor
    (calibration; 1 for the documented uptakes); ``cardio`` whether each is a cardio machine
    (a covariate of the pooled calibration; None: unknown, taken as not).
    """

    ids: tuple[str, ...]
    levels: np.ndarray
    servers: np.ndarray
    session_minutes: np.ndarray
    factor: np.ndarray
    cardio: np.ndarray | None = None

    @classmethod
    def none(cls, needs: int = 3) -> OwnedMachines:
        """No machine owned: every candidate's users are its stand-alone users."""
        return cls((), np.zeros((0, needs), dtype=np.int64), np.zeros(0, dtype=np.int64),
                   np.zeros(0), np.zeros(0))

    def same_as(self, equipment_ids: tuple[str, ...] | list[str]) -> np.ndarray:
        """Each candidate's position among the owned machines, :data:`NEW` if not owned."""
        where = {machine: k for k, machine in enumerate(self.ids)}
        return np.array([where.get(i, NEW) for i in equipment_ids], dtype=np.int64)


def coverage(owned_rates: np.ndarray) -> np.ndarray:
    """``C_k(S)`` of the owned set: ``(draws, needs)`` from rates ``(draws, machines, needs)``.

    With no machine the coverage is 0.
    """
    return 1.0 - np.prod(1.0 - owned_rates, axis=1)


def coverage_with(covered: np.ndarray, rates: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """``C_k(S ∪ T)``: the owned set's coverage with candidates' rates beside it.

    ``covered`` is :func:`coverage` of the owned set, ``(draws, needs)``; ``rates`` the
    candidates' ``(draws, candidates, needs)`` (one machine each) or ``(draws, sets, machines,
    needs)`` (several machines per set, joined along ``machines``); ``rho`` ``(draws,)``.
    Returns ``(draws, candidates or sets, needs)``.
    """
    rates = np.asarray(rates, dtype=float)
    if rates.ndim == 3:
        rates = rates[:, :, None, :]
    rho = np.asarray(rho, dtype=float)[:, None, None]
    covered = np.asarray(covered, dtype=float)[:, None, :]
    union = 1.0 - (1.0 - covered) * np.prod(1.0 - rates, axis=2)
    return (1.0 - rho) * union + rho * np.maximum(covered, rates.max(axis=2, initial=0.0))


def shared_rates(rates: np.ndarray, others: np.ndarray, best: np.ndarray,
                 rho: np.ndarray) -> np.ndarray:
    """A machine's own rate inside a set: ``(1 - ρ) r + ρ C_set × r / Σ_set r``.

    ``rates`` are the machine's ``(draws, k, needs)``; ``others`` the sum of the other
    machines' rates in the set and ``best`` the set's coverage under full substitution
    (``max(C_k(S), r)``), each broadcasting to ``rates``; ``rho`` ``(draws,)``. With ``ρ = 0``
    it is ``rates``; with no other machine and ``best = r``, too.
    """
    rho = np.asarray(rho, dtype=float)[:, None, None]
    total = rates + others
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, rates / total, 0.0)
    return (1.0 - rho) * rates + rho * best * share


def served_share(arrivals_per_hour: np.ndarray, capacity_per_hour: np.ndarray,
                 target: np.ndarray) -> np.ndarray:
    """Share (0-1) of the busiest hour's demand served within the busy share ``target``.

    ``min(1, target × capacity / arrivals)``; 1 without arrivals. Broadcasts.
    """
    arrivals = np.asarray(arrivals_per_hour, dtype=float)
    room = np.asarray(target, dtype=float) * np.asarray(capacity_per_hour, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(arrivals > room, room / arrivals, 1.0)
