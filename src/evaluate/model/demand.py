"""Usage forecast per candidate machine: regular users, weekly sessions, adoption, peak load.

The model (README, "The model"):

**Segments** are the exposure segments (age band × sex × activity, :mod:`evaluate.model.exposure`)
crossed with the training goal. Each segment has three needs:

- *back care*: the segment's probability of current back pain, ``p`` (exposure model);
- *posterior-chain strength* (squat and deadlift): 1 for the goals ``strength`` and ``sport``
  (:data:`POSTERIOR_CHAIN_GOALS`), else 0; ``rehab``, ``weight_loss``, ``general_fitness`` and
  unknown goals count 0 (back care already covers rehabilitation through ``p``);
- *general fitness*: every member.

**Uptake.** A candidate turns a need into regular users at the rate
``r_k = uptake_<need> × weight(level)``, with ``weight = 1`` for a high-relevance machine and
the assumptions ``relevance_weight_medium`` / ``relevance_weight_low`` otherwise. The levels
come from ``equipment.csv`` (:func:`relevance_levels`): back care is ``back_care_relevance``;
posterior chain counts the posterior-chain muscles the machine trains (erector spinae, gluteus
maximus, hamstrings: 3 high, 2 medium, fewer low); general fitness is high for cardio machines
or machines that train five or more muscle groups, low for machines that need a trainer
(``supervision = trainer``), medium otherwise. Needs act independently, so a member becomes a
regular user unless no need leads them there::

    u = 1 - (1 - p r_back) (1 - q r_posterior) (1 - r_general)

which is exact in expectation when back pain is independent of goal within a segment.

**Sessions.** A regular user does ``sessions_per_user_week`` sessions, never more than their
own ``visits_per_week`` (members with unknown visits take the known members' mean). Segment
sessions are ``u × Σ_i min(s, v_i)``, so the club total never exceeds its members' visits.
**Adoption** ramps linearly from 0 to the full level over ``adoption_months`` (month ``t``
gets the average of the ramp over that month: :func:`ramp_factor`). **Peak load**: the busiest
hour of the week carries ``peak_share`` of the week's sessions, measured from the check-in log
(:func:`evaluate.data.checkins.hourly_profile`: the busiest hour's share of weekly check-ins)
or, without a log or with one too short to measure it
(:func:`evaluate.data.checkins.peak_shortfall`), the assumption ``peak_hour_share``; the queue
is M/M/c
(:mod:`evaluate.model.queueing`) with ``c = units × stations``.

The array functions (the pieces of the forecast, and :func:`forecast_core`, the array
function of :func:`forecast_usage`) take numpy arrays without validation and broadcast, so a
Monte Carlo passes parameters of shape ``(draws,)`` and gets ``(draws, candidates)`` back in
one call, computed through segment moments so the work is ``O(draws × (segments +
candidates))``. The wrappers beside them take DataFrames and return tidy frames.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.checkins import CheckinProfile, hourly_profile, peak_shortfall
from evaluate.data.members import MAX_VISITS_PER_WEEK, SEXES
from evaluate.errors import DataError
from evaluate.model.exposure import SCENARIOS, ExposureParameters, back_pain_core, base_rate_table
from evaluate.model.queueing import capacity_per_hour, peak_queue
from evaluate.model.segments import (
    ACTIVITIES,
    GOALS,
    UNKNOWN_VISITS,
    active_mask,
    as_of_day,
    member_codes,
    no_active_member,
    segment_frame,
    segment_index,
    visit_band,
)
from evaluate.model.substitution import (
    NEW,
    OwnedMachines,
    coverage,
    coverage_with,
    served_share,
    shared_rates,
)

NEEDS = ("back_care", "posterior_chain", "general_fitness")
LEVELS = ("high", "medium", "low")  # codes 0, 1, 2
POSTERIOR_CHAIN_MUSCLES = ("erector_spinae", "gluteus_maximus", "hamstrings")
POSTERIOR_CHAIN_GOALS = ("strength", "sport")
GENERAL_HIGH_MUSCLES = 5  # muscle groups from which a strength machine is of general use
# Parameters a forecast draws, each of shape (draws,): the assumptions' names, plus the
# exposure inputs and the calibration factor.
DRAWN = ("uptake_back_care", "uptake_posterior_chain", "uptake_general_fitness",
         "relevance_weight_medium", "relevance_weight_low", "sessions_per_user_week",
         "peak_hour_share", "odds_ratio", "desk_share", "uptake_factor")
VISIT_GRID = np.linspace(0.0, MAX_VISITS_PER_WEEK, 281)  # visits/week, steps of 0.05


# ---------------------------------------------------------------- array cores (no validation)

def user_probability(back_pain: np.ndarray, posterior_need: np.ndarray, rate_back: np.ndarray,
                     rate_posterior: np.ndarray, rate_general: np.ndarray) -> np.ndarray:
    """Probability (0-1) that a member becomes a regular user: ``1 - Π (1 - need × rate)``.

    All arguments broadcast: e.g. ``back_pain`` ``(draws, 1, segments)``, ``posterior_need``
    ``(segments,)`` (0-1), rates ``(draws, candidates, 1)`` (fractions).
    """
    return 1.0 - ((1.0 - np.asarray(back_pain) * rate_back)
                  * (1.0 - np.asarray(posterior_need) * rate_posterior) * (1.0 - rate_general))


def expected_total(weight: np.ndarray, back_pain: np.ndarray, posterior_need: np.ndarray,
                   rate_back: np.ndarray, rate_posterior: np.ndarray,
                   rate_general: np.ndarray) -> np.ndarray:
    """``Σ_s weight_s × user_probability_s`` without forming draws × candidates × segments.

    ``weight`` and ``back_pain`` are ``(draws, segments)`` or ``(segments,)``;
    ``posterior_need`` ``(segments,)``; the rates ``(draws, candidates)``. The product expands
    into four segment moments, each ``(draws,)``. With ``weight`` = members it gives expected
    regular users; with ``weight`` = capped visits (:func:`capped_visits`), weekly sessions.

    Returns
    -------
    numpy.ndarray
        Shape ``(draws, candidates)``, in the unit of ``weight``.
    """
    return moment_total(segment_moments(weight, back_pain, posterior_need), rate_back,
                        rate_posterior, rate_general)


def segment_moments(weight: np.ndarray, back_pain: np.ndarray, posterior_need: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The segment moments of :func:`expected_total`: ``Σ w``, ``Σ w q``, ``Σ w p``, ``Σ w p q``.

    Arguments as for :func:`expected_total`. Each moment is ``(draws, 1)``, or ``(1,)`` where
    neither ``weight`` nor ``back_pain`` varies by draw, so that it broadcasts against
    candidates. A forecast whose totals share a weight computes its moments once.
    """
    # Rewritten for speed: sums of products over the segments by einsum replace elementwise
    # products of (draws, segments) temporaries, then their sums (about 4 times faster for a
    # weight per segment, twice for a weight per draw). Not matrix products: a multithreaded
    # BLAS's threads keep spinning after the call and slow what follows on a busy machine.
    # The sums agree to within rounding, 1e-12 relative
    # (tests/model/test_demand.py::test_segment_moments_match_the_elementwise_sums).
    w = np.asarray(weight, dtype=float)
    p = np.asarray(back_pain, dtype=float)
    q = np.asarray(posterior_need, dtype=float)
    if w.ndim == 1:
        m0, m1 = w.sum(-1), np.einsum("s,s->", w, q)
        m2, m3 = np.einsum("...s,s->...", p, w), np.einsum("...s,s->...", p, w * q)
    else:
        wp = w * p
        m0, m1 = w.sum(-1), np.einsum("...s,s->...", w, q)
        m2, m3 = wp.sum(-1), np.einsum("...s,s->...", wp, q)
    m0, m1, m2, m3 = (np.asarray(m)[..., None] for m in (m0, m1, m2, m3))
    return m0, m1, m2, m3


def moment_total(moments: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                 rate_back: np.ndarray, rate_posterior: np.ndarray,
                 rate_general: np.ndarray) -> np.ndarray:
    """:func:`expected_total` from its :func:`segment_moments`: ``(draws, candidates)``."""
    m0, m1, m2, m3 = moments
    return m0 - (1.0 - rate_general) * (m0 - rate_posterior * m1
                                        - rate_back * (m2 - rate_posterior * m3))


def visit_curves(visits: np.ndarray, segment: np.ndarray, n_segments: int,
                 grid: np.ndarray = VISIT_GRID) -> np.ndarray:
    """``Σ_{i in s} min(x, v_i)`` per segment at each grid point ``x``: shape ``(segments, grid)``.

    Exact at the grid points for any visits; ``visits`` in visits/week, no NaN.
    """
    position = np.searchsorted(grid, visits, side="right")  # grid points <= v_i
    size = n_segments * (len(grid) + 1)
    cell = segment * (len(grid) + 1) + position
    count = np.bincount(cell, minlength=size).reshape(n_segments, -1)
    total = np.bincount(cell, weights=visits, minlength=size).reshape(n_segments, -1)
    below_count = np.cumsum(count, axis=1)[:, :-1]  # members with v_i < x_g
    below_total = np.cumsum(total, axis=1)[:, :-1]
    members = count.sum(axis=1, keepdims=True)
    return below_total + grid[None, :] * (members - below_count)


def capped_visits(curves: np.ndarray, sessions_per_user: np.ndarray | float,
                  grid: np.ndarray = VISIT_GRID) -> np.ndarray:
    """Interpolate :func:`visit_curves` at ``sessions_per_user`` (shape ``(draws,)``).

    Returns ``(draws, segments)``: each segment's sessions a week if every member were a
    regular user, each capped at their own visits (sessions/week).
    """
    x = np.clip(np.atleast_1d(np.asarray(sessions_per_user, dtype=float)), grid[0], grid[-1])
    upper = np.clip(np.searchsorted(grid, x, side="left"), 1, len(grid) - 1)
    fraction = (x - grid[upper - 1]) / (grid[upper] - grid[upper - 1])
    return (curves[:, upper - 1] * (1.0 - fraction) + curves[:, upper] * fraction).T


def ramp_factor(month: np.ndarray, adoption_months: np.ndarray | float) -> np.ndarray:
    """Share of full uptake reached on average during month ``t`` (1 = the first month).

    The ramp ``min(1, τ / A)`` over months ``τ`` is averaged over ``[t - 1, t]``; ``A = 0``
    means full uptake at once. E.g. ``A = 3``: 1/6, 1/2, 5/6, then 1. Broadcasts.
    """
    t = np.asarray(month, dtype=float)
    a = np.asarray(adoption_months, dtype=float)

    def area(tau: np.ndarray) -> np.ndarray:  # ∫_0^tau min(1, x / A) dx
        with np.errstate(divide="ignore", invalid="ignore"):
            inside = tau**2 / (2.0 * a)
        return np.where(tau <= a, inside, tau - a / 2.0)

    return np.where(a > 0, area(t) - area(t - 1.0), 1.0)


def relevance_rates(levels: np.ndarray, params: Mapping[str, np.ndarray]) -> np.ndarray:
    """Uptake rate per draw, candidate and need: ``uptake_<need> × weight(level)``, (D, C, 3).

    ``levels`` are codes into :data:`LEVELS`, shape ``(candidates, needs)``, or positions on
    that ladder (0 high, 1 medium, 2 low; a float in between weighs linearly between the two
    levels), shape ``(candidates, needs)`` or ``(draws, candidates, needs)``: a judgement label
    drawn within its range. ``params`` holds arrays ``(draws,)`` named as in :data:`DRAWN`.
    Uptakes are scaled by ``uptake_factor`` (calibration; ``(draws,)`` for one factor on every
    candidate, or ``(draws, candidates)`` for a factor per candidate) and capped at 1.
    """
    ones = np.ones_like(np.asarray(params["relevance_weight_medium"], dtype=float))
    weight = np.stack([ones, params["relevance_weight_medium"], params["relevance_weight_low"]],
                      axis=-1)  # (D, 3 levels)
    uptake = np.stack([params[f"uptake_{need}"] for need in NEEDS], axis=-1)  # (D, 3 needs)
    factor = np.asarray(params["uptake_factor"], dtype=float)
    factor = factor[:, None, None] if factor.ndim == 1 else factor[:, :, None]  # (D, 1|C, 1)
    uptake = np.minimum(1.0, uptake[:, None, :] * factor)  # (D, 1|C, needs)
    levels = np.asarray(levels)
    if np.issubdtype(levels.dtype, np.integer):
        return uptake * weight[:, levels]  # (D, C, needs)
    x = levels if levels.ndim == 3 else levels[None]  # (1|D, C, needs)
    lower = np.clip(np.floor(x), 0, len(LEVELS) - 1).astype(np.int64)
    upper = np.minimum(lower + 1, len(LEVELS) - 1)
    draws = np.arange(weight.shape[0])[:, None, None]
    at_lower, at_upper = weight[draws, lower], weight[draws, upper]
    # A whole position is its level's weight exactly; between two levels, linear.
    return uptake * (at_lower + (at_upper - at_lower) * (x - lower))


# ---------------------------------------------------------------- segments and the forecast core


@dataclass(frozen=True)
class Segments:
    """Demand segments as arrays, in the order of :func:`evaluate.model.segments.segment_index`.

    ``table`` has one row per segment (``age_band``, ``sex``, ``activity``, ``training_goal``,
    ``members``, ``posterior_need``); ``base`` is the base prevalence (0-1) per segment
    for each scenario (low, most likely, high), shape ``(3, segments)``; ``activity`` the codes;
    ``curves`` :func:`visit_curves`; ``visits_imputed`` how many members took the mean visits;
    ``band_members`` the members of each segment in each visit band, ``(segments, bands + 1)``
    (:data:`evaluate.model.segments.VISIT_BANDS`, then unknown visits), for the users'
    cancellation rate (:func:`users_churn`). Only segments with members
    are kept.
    """

    table: pd.DataFrame
    base: np.ndarray
    activity: np.ndarray
    curves: np.ndarray
    visits_imputed: int
    band_members: np.ndarray

    @property
    def members(self) -> np.ndarray:
        """Members per segment."""
        return self.table["members"].to_numpy(float)

    @property
    def posterior_need(self) -> np.ndarray:
        """1 where the segment trains for strength or sport, else 0."""
        return self.table["posterior_need"].to_numpy(float)


def demand_segments(members: pd.DataFrame, exposure: ExposureParameters, *,
                    as_of: date | str | None = None, active_only: bool = True) -> Segments:
    """Aggregate the roster into demand segments (age band × sex × activity × goal).

    Every forecast of the model starts here, so the roster is checked here once.

    Raises
    ------
    DataError
        With ``active_only``, when no member is active on the roster date: there is no one
        to forecast for (:func:`evaluate.model.segments.no_active_member` says why).
    """
    day = as_of_day(members, as_of)
    chosen = members
    if active_only:
        active = active_mask(members, day)
        if not active.any():
            problem = no_active_member(members, day)
            assert problem is not None  # its count of active members is active_mask's
            raise DataError([problem])
        chosen = members.loc[active]
    codes = member_codes(chosen, exposure.prevalence.band_min, day)
    labels = exposure.prevalence.age_labels
    index = segment_index(codes, with_goal=True)
    size = len(labels) * len(SEXES) * len(ACTIVITIES) * len(GOALS)
    count = np.bincount(index, minlength=size)
    kept = np.flatnonzero(count)
    table = segment_frame(labels, with_goal=True).iloc[kept].reset_index(drop=True)
    table["members"] = count[kept]
    table["posterior_need"] = table["training_goal"].isin(POSTERIOR_CHAIN_GOALS).astype(float)
    visits = codes.visits
    band = visit_band(visits)
    unknown = np.isnan(visits)
    fill = np.nanmean(visits) if (~unknown).any() else MAX_VISITS_PER_WEEK
    visits = np.where(unknown, fill, visits)
    compact = np.zeros(size, dtype=np.int64)
    compact[kept] = np.arange(len(kept))
    compact = compact[index]  # each member's position among the kept segments
    curves = visit_curves(visits, compact, len(kept))
    bands = UNKNOWN_VISITS + 1
    band_members = np.bincount(compact * bands + band, minlength=len(kept) * bands)
    age_sex = kept // (len(ACTIVITIES) * len(GOALS))
    base = np.stack([base_rate_table(exposure.prevalence, exposure.scenario(s)[0]).ravel()[age_sex]
                     for s in SCENARIOS])
    activity = (kept // len(GOALS)) % len(ACTIVITIES)
    return Segments(table, base, activity, curves, int(unknown.sum()),
                    band_members.reshape(len(kept), bands).astype(float))


def forecast_core(segments: Segments, levels: np.ndarray, session_minutes: np.ndarray,
                  servers: np.ndarray, params: Mapping[str, np.ndarray],
                  base: np.ndarray | None = None, *, owned: OwnedMachines | None = None,
                  same_as: np.ndarray | None = None, band_rates: np.ndarray | None = None,
                  owned_use: bool = False) -> dict[str, np.ndarray]:
    """Users, sessions and peak load for draws × candidates, in one vectorised call.

    Parameters
    ----------
    segments
        From :func:`demand_segments`.
    levels
        Relevance codes (:data:`LEVELS`) or positions, ``(candidates, 3 needs)`` or ``(draws,
        candidates, 3 needs)``; see :func:`relevance_levels` and :func:`relevance_rates`.
    session_minutes, servers
        Per candidate: minutes per session; members served at once (units × stations).
    params
        Arrays of shape ``(draws,)`` named as in :data:`DRAWN`; ``substitution`` and
        ``target_peak_utilisation`` are needed only with owned machines; an optional
        ``frequency_factor`` (per candidate, or ``(draws, candidates)``) multiplies each
        candidate's sessions per user (a calibration on the club's logs: its users stay).
    base
        Base prevalence per segment, ``(segments,)`` or ``(draws, segments)``; default the
        most-likely scenario's.
    owned, same_as
        The machines the club owns (default none) and each candidate's position among them
        (:meth:`~evaluate.model.substitution.OwnedMachines.same_as`: a second unit of an owned
        machine, or ``-1`` for a new machine; default every candidate new). See
        :mod:`evaluate.model.substitution`.
    band_rates
        Cancellation rates by visit band (:attr:`evaluate.model.churn.ChurnBands.band_rates`);
        when given, ``users_churn`` is returned too.
    owned_use
        Also return what each candidate draws from each owned machine: ``owned_sessions``
        ``(draws, machines)``, the owned machines' sessions a week without any candidate, and
        ``owned_sessions_with`` ``(draws, candidates, machines)``, with each candidate beside
        them (memory ``draws × candidates × machines``: meant for one draw).

    Returns
    -------
    dict of numpy.ndarray, each ``(draws, candidates)``
        The candidate's own use once installed beside the owned machines: ``regular_users``
        (members), ``back_pain_users`` (its regular users with current back pain, members),
        ``weekly_sessions`` (sessions/week at full adoption) and the keys of
        :func:`evaluate.model.queueing.peak_queue`; and what it adds to the club as it is,
        ``added_users`` and ``added_back_pain_users`` (members; equal to its own users when
        the club owns nothing that serves the same needs); with ``band_rates``,
        ``users_churn``, the cancellation rate of its users (:func:`users_churn`).
    """
    base = segments.base[1] if base is None else base
    owned = owned if owned is not None else OwnedMachines.none(len(NEEDS))
    odds = np.asarray(params["odds_ratio"], dtype=float)[:, None]
    share = np.asarray(params["desk_share"], dtype=float)[:, None]
    back_pain = back_pain_core(base, segments.activity, odds, share)  # (D, S)
    need = segments.posterior_need

    def total(weight: np.ndarray, pain: np.ndarray, rates: np.ndarray) -> np.ndarray:
        return expected_total(weight, pain, need, rates[..., 0], rates[..., 1], rates[..., 2])

    # Rewritten for speed: users are totals over the same weights at several rates (own,
    # before, after), so the segment moments are computed once, not at each call. Users who
    # have back pain: weight n_s p_s, with back pain certain among them, whose moments are the
    # members' third and fourth (Σ n p, Σ n p q).
    members = segment_moments(segments.members, back_pain, need)
    with_pain = (members[2], members[3], members[2], members[3])

    def users_of(rates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        parts = (rates[..., 0], rates[..., 1], rates[..., 2])
        return moment_total(members, *parts), moment_total(with_pain, *parts)

    rates = relevance_rates(levels, params)  # (D, C, needs)
    draws = rates.shape[0]
    rho = np.broadcast_to(np.asarray(params.get("substitution", 0.0), dtype=float), (draws,))
    mine = relevance_rates(owned.levels, {**params, "uptake_factor": np.broadcast_to(
        owned.factor, (draws, len(owned.ids)))})  # (D, M, needs)
    covered = coverage(mine)  # (D, needs)
    same = (np.full(rates.shape[1], NEW) if same_as is None else np.asarray(same_as))
    second = same != NEW
    # A candidate's own rate beside the owned machines; a second unit's is the owned machine's.
    own = (shared_rates(rates, mine.sum(axis=1)[:, None, :],
                        np.maximum(covered[:, None, :], rates), rho) if owned.ids else rates)
    if second.any():
        theirs = shared_rates(mine, mine.sum(axis=1)[:, None, :] - mine, covered[:, None, :],
                              rho)
        own[:, second] = theirs[:, same[second]]
    users, back_pain_users = users_of(own)
    weight = capped_visits(segments.curves, params["sessions_per_user_week"])
    sessions = total(weight, back_pain, own)
    if "frequency_factor" in params:  # calibration of sessions per user, per candidate
        sessions = sessions * np.asarray(params["frequency_factor"], dtype=float)
    if owned.ids:
        before = users_of(covered[:, None, :])
        after = users_of(np.where(second[None, :, None], covered[:, None, :],
                                  coverage_with(covered, rates, rho)))
        added = [np.maximum(a - b, 0.0) for a, b in zip(after, before, strict=True)]
    else:  # nothing owned: every user is added (exactly, without rounding through ρ)
        added = [users.copy(), back_pain_users.copy()]
    peak = np.asarray(params["peak_hour_share"], dtype=float)[:, None]
    queue_servers = np.broadcast_to(servers, users.shape)
    if second.any():
        # A second unit adds only the members the owned units cannot serve at the busiest
        # hour; its own use is its share of the machine's, the units sharing it equally.
        target = np.asarray(params["target_peak_utilisation"], dtype=float)[:, None]
        units_before = owned.servers[same[second]]
        units_after = units_before + np.asarray(servers)[second]
        arrivals = sessions[:, second] * peak
        gain = (served_share(arrivals, capacity_per_hour(session_minutes[second], units_after),
                             target)
                - served_share(arrivals, capacity_per_hour(session_minutes[second],
                                                           units_before), target))
        unit_share = np.asarray(servers)[second] / units_after
        for found, own_total in zip(added, (users, back_pain_users), strict=True):
            found[:, second] = own_total[:, second] * gain
        queue_servers = queue_servers.copy()
        queue_servers[:, second] = units_after
        queue_sessions = sessions.copy()
        for own_total in (users, back_pain_users, sessions):
            own_total[:, second] *= unit_share
    else:
        queue_sessions, unit_share = sessions, np.ones(0)
    queue = peak_queue(queue_sessions, peak, session_minutes, queue_servers)
    if owned_use:
        found_owned = _owned_use(mine, covered, rates, rho, same, unit_share,
                                 lambda r: total(weight, back_pain, r))
    found = {"regular_users": users, "back_pain_users": back_pain_users,
             "weekly_sessions": sessions, "added_users": added[0],
             "added_back_pain_users": added[1], **queue}
    if owned_use:
        found.update(found_owned)
    if band_rates is not None:
        found["users_churn"] = users_churn(segments, band_rates, own[..., 0], own[..., 1],
                                           own[..., 2], back_pain)
    return found


def users_churn(segments: Segments, band_rates: np.ndarray, rate_back: np.ndarray,
                rate_posterior: np.ndarray, rate_general: np.ndarray,
                back_pain: np.ndarray) -> np.ndarray:
    """The cancellation rate of each candidate's regular users (fraction a year), (D, C).

    Each segment's users cancel at its members' bands' rates:
    ``Σ_s (band_members_s · band_rates) u_s / Σ_s members_s u_s`` with ``u_s`` the segment's
    user probability (:func:`expected_total`). Where a candidate has no
    users, the club's rate (the last of ``band_rates``).

    Parameters
    ----------
    segments
        From :func:`demand_segments` (its ``band_members``).
    band_rates
        :attr:`evaluate.model.churn.ChurnBands.band_rates`: each band's rate, then the club's
        for members with unknown visits; ``(bands + 1,)`` or, drawn, ``(draws, bands + 1)``.
    rate_back, rate_posterior, rate_general
        Uptake rates per need, ``(draws, candidates)``
        (:func:`relevance_rates`).
    back_pain
        Probability of back pain per segment, ``(draws, segments)`` or ``(segments,)``.
    """
    rates = np.asarray(band_rates, dtype=float)
    weight = rates @ segments.band_members.T  # (segments,) or (draws, segments)
    need = segments.posterior_need
    args = (rate_back, rate_posterior, rate_general)
    users = expected_total(segments.members, back_pain, need, *args)
    cancelling = expected_total(weight, back_pain, need, *args)
    club = rates[..., -1:]  # (1,) or (draws, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(users > 0, cancelling / np.where(users > 0, users, 1.0), club)


def _owned_use(mine: np.ndarray, covered: np.ndarray, rates: np.ndarray, rho: np.ndarray,
               same: np.ndarray, unit_share: np.ndarray,
               sessions_of: Callable[[np.ndarray], np.ndarray]) -> dict[str, np.ndarray]:
    """The owned machines' sessions without and with each candidate (see :func:`forecast_core`).

    A new machine shares each need with the owned ones (:func:`shared_rates`); a second unit
    of an owned machine takes its unit's share of that machine's sessions.
    """
    draws, count, machines = rates.shape[0], rates.shape[1], mine.shape[1]
    others = mine.sum(axis=1)[:, None, :] - mine
    without = sessions_of(shared_rates(mine, others, covered[:, None, :], rho))  # (D, M)
    flat = (draws, count * machines, len(NEEDS))
    beside = shared_rates(
        np.broadcast_to(mine[:, None], (draws, count, machines, len(NEEDS))).reshape(flat),
        (others[:, None] + rates[:, :, None]).reshape(flat),
        np.broadcast_to(np.maximum(covered[:, None, :], rates)[:, :, None],
                        (draws, count, machines, len(NEEDS))).reshape(flat), rho)
    with_it = sessions_of(beside).reshape(draws, count, machines)
    second = np.flatnonzero(same != NEW)
    for k, share in zip(second, unit_share, strict=True):
        with_it[:, k] = without
        with_it[:, k, same[k]] *= 1.0 - share
    return {"owned_sessions": without, "owned_sessions_with": with_it}


# ---------------------------------------------------------------- wrappers (DataFrames)

def relevance_levels(equipment: pd.DataFrame) -> pd.DataFrame:
    """Each candidate's relevance to each need, with the rule that set it (tidy).

    Columns ``equipment_id``, ``need`` (:data:`NEEDS`), ``level`` (``high``, ``medium``,
    ``low``) and ``basis`` (the attribute it was read from). See the module docstring.
    """
    muscles = equipment["muscles"].str.split(";")
    chain = muscles.map(lambda names: len(set(names) & set(POSTERIOR_CHAIN_MUSCLES)))
    broad = (equipment["equipment_type"] == "cardio") | (muscles.map(len) >= GENERAL_HIGH_MUSCLES)
    trainer = equipment["supervision"] == "trainer"
    levels = {
        "back_care": (equipment["back_care_relevance"].astype(str),
                      "back_care_relevance = " + equipment["back_care_relevance"].astype(str)),
        "posterior_chain": (np.select([chain >= 3, chain == 2], ["high", "medium"], "low"),
                            chain.astype(str) + " of 3 posterior-chain muscles"),
        "general_fitness": (np.select([broad, trainer], ["high", "low"], "medium"),
                            np.select([broad, trainer], ["cardio or 5+ muscle groups",
                                                         "needs a trainer"], "other strength")),
    }
    parts = [pd.DataFrame({"equipment_id": equipment["equipment_id"].to_numpy(), "need": need,
                           "level": np.asarray(level), "basis": np.asarray(basis)})
             for need, (level, basis) in levels.items()]
    frame = pd.concat(parts, ignore_index=True)
    frame["level"] = pd.Categorical(frame["level"], categories=list(LEVELS))
    return frame


def level_codes(equipment: pd.DataFrame) -> np.ndarray:
    """:func:`relevance_levels` as codes into :data:`LEVELS`, shape ``(candidates, needs)``."""
    codes = relevance_levels(equipment)["level"].cat.codes.to_numpy(np.int64)
    return codes.reshape(len(NEEDS), len(equipment)).T.copy()  # the frame is need-major


@dataclass(frozen=True)
class PeakShare:
    """The busiest hour's share of a week's visits (fraction), and where it came from."""

    value: tuple[float, float, float]  # low, most likely, high
    source: str  # "check-in log" or "assumption peak_hour_share"
    hour: str | None = None  # e.g. "Mon 18:00", when measured
    note: str | None = None  # why a check-in log was not used, when there is one


def peak_share(checkins: pd.DataFrame | CheckinProfile | None,
               assumptions: Mapping[str, Assumption]) -> PeakShare:
    """Peak-hour share from the check-in log when it can measure it, else ``peak_hour_share``.

    From the log (loaded, or its :class:`~evaluate.data.checkins.CheckinProfile`): the busiest
    weekday-hour's average check-ins per week over the week's total
    (:func:`evaluate.data.checkins.hourly_profile`), used in every scenario. Sessions on a machine
    are assumed to follow the hour profile of check-ins. A log too short or too odd to measure
    it (:func:`evaluate.data.checkins.peak_shortfall`: one row, two days, every visit in one
    hour) is not used: the assumption is, and ``note`` says why, for the report to say so.
    """
    present = checkins is not None and not (checkins.empty and not checkins.attrs.get("file"))
    if present and not isinstance(checkins, CheckinProfile):
        checkins = CheckinProfile.of(checkins)  # once, for the rule and the profile
    note = peak_shortfall(checkins) if present else None
    if present and note is None:
        profile = hourly_profile(checkins)
        per_week = profile["checkins_per_week"].to_numpy(float)
        top = int(np.argmax(per_week))
        share = float(per_week[top] / per_week.sum())
        label = f"{profile['weekday_name'].iloc[top]} {int(profile['hour'].iloc[top]):02d}:00"
        return PeakShare((share, share, share), "check-in log", label)
    a = assumptions["peak_hour_share"]
    return PeakShare((a.low, a.most_likely, a.high), "assumption peak_hour_share", note=note)


def scenario_params(assumptions: Mapping[str, Assumption], exposure: ExposureParameters,
                    peak: PeakShare, scenario: str,
                    uptake_factor: float | np.ndarray = 1.0) -> dict[str, np.ndarray]:
    """The :data:`DRAWN` parameters of one scenario as arrays of one draw.

    ``low`` takes every input's low end (fewest users), ``high`` every high end.
    """
    k = SCENARIOS.index(scenario)
    values: dict[str, float | np.ndarray] = {
        name: (assumptions[name].low, assumptions[name].most_likely,
               assumptions[name].high)[k] for name in DRAWN[:6]}
    values.update(peak_hour_share=peak.value[k], odds_ratio=exposure.odds_ratio[k],
                  desk_share=exposure.desk_share[k], uptake_factor=uptake_factor)
    return {name: np.array([value], dtype=float) for name, value in values.items()}


def forecast_usage(members: pd.DataFrame, equipment: pd.DataFrame,
                   assumptions: Mapping[str, Assumption], checkins: pd.DataFrame | None = None,
                   *, exposure: ExposureParameters | None = None,
                   units: int | Mapping[str, int] = 1,
                   uptake_factor: float | Mapping[str, float] = 1.0,
                   as_of: date | str | None = None) -> pd.DataFrame:
    """Forecast each candidate's use at full adoption, low / most likely / high (tidy).

    Parameters
    ----------
    members, equipment, assumptions, checkins
        From the loaders (:mod:`evaluate.data.members`, :mod:`evaluate.data.equipment`,
        :mod:`evaluate.data.assumptions`, :mod:`evaluate.data.checkins`; the log is optional).
    exposure
        Default :meth:`ExposureParameters.load` with ``assumptions``.
    units
        Units of each machine the forecast is for: one number for all (default 1, the unit
        bought) or a mapping ``equipment_id -> units``.
    uptake_factor
        Multiplies every uptake assumption (a calibration factor, see
        :mod:`evaluate.model.calibration`): one number for all, or ``equipment_id -> factor``
        (candidates left out keep 1).
    as_of
        Date of ages and active status; default the roster's latest join or cancel date (a
        report passes the club's roster date: :func:`~evaluate.model.segments.as_of_day`).

    Returns
    -------
    pandas.DataFrame
        One row per candidate and scenario: ``equipment_id``, ``scenario``, ``regular_users``
        (members), ``back_pain_users`` (regular users with current back pain),
        ``weekly_sessions`` (sessions/week), ``added_users`` and ``added_back_pain_users``
        (what the machine adds to the club as it is: here, with no owned machine given, its
        own users), ``peak_share`` (fraction),
        ``arrivals_per_hour`` and ``capacity_per_hour`` (sessions/hour at the peak hour),
        ``servers`` (units × stations), ``utilisation`` (0-1; above 1 overloaded),
        ``p_wait`` (0-1), ``wait_minutes`` (mean wait at peak; ``inf`` when utilisation is
        1 or more). ``attrs`` hold ``peak_source``, ``peak_hour``, ``peak_note`` (why the
        check-in log was not used, or None) and ``visits_imputed``.
    """
    exposure = exposure or ExposureParameters.load(assumptions)
    segments = demand_segments(members, exposure, as_of=as_of)
    peak = peak_share(checkins, assumptions)
    ids = equipment["equipment_id"].to_numpy()
    count = np.array([units.get(i, 1) if isinstance(units, Mapping) else units for i in ids])
    servers = count * equipment["stations"].to_numpy(np.int64)
    minutes = equipment["session_minutes"].to_numpy(float)
    levels = level_codes(equipment)
    factor = (np.array([float(uptake_factor.get(i, 1.0)) for i in ids])
              if isinstance(uptake_factor, Mapping) else uptake_factor)
    scenarios = [scenario_params(assumptions, exposure, peak, scenario, factor)
                 for scenario in SCENARIOS]
    return forecast_frame(segments, peak, ids, levels, minutes, servers, scenarios)


def forecast_frame(segments: Segments, peak: PeakShare, equipment_ids: Sequence[str],
                   levels: np.ndarray, session_minutes: np.ndarray, servers: np.ndarray,
                   scenarios: Sequence[Mapping[str, np.ndarray]], *,
                   owned: OwnedMachines | None = None,
                   same_as: np.ndarray | None = None) -> pd.DataFrame:
    """:func:`forecast_usage`'s frame from the roster's segments and each scenario's parameters.

    ``scenarios`` holds the parameters of the low, most-likely and high scenario, one draw
    each (as :func:`scenario_params` gives them); each runs on its own base prevalence
    (``segments.base``). The other arguments as for :func:`forecast_core`; ``peak`` gives the
    frame's ``peak_share`` and its ``attrs``. Shared by :func:`forecast_usage` and the
    prepared model (:func:`evaluate.model.prepared.forecast_from_inputs`), so both give the
    same frame. ``owned`` and ``same_as`` as for :func:`forecast_core`.
    """
    ids = np.asarray(equipment_ids, dtype=object)
    parts = []
    for k, (scenario, params) in enumerate(zip(SCENARIOS, scenarios, strict=True)):
        result = forecast_core(segments, levels, session_minutes, servers, params,
                               segments.base[k], owned=owned, same_as=same_as)
        parts.append(pd.DataFrame({"equipment_id": ids, "scenario": scenario,
                                   **{key: value[0] for key, value in result.items()},
                                   "peak_share": peak.value[k], "servers": servers}))
    columns = ["equipment_id", "scenario", "regular_users", "back_pain_users",
               "weekly_sessions", "added_users", "added_back_pain_users", "peak_share",
               "arrivals_per_hour", "capacity_per_hour", "servers", "utilisation", "p_wait",
               "wait_minutes"]
    frame = pd.concat(parts, ignore_index=True)[columns]
    frame["scenario"] = pd.Categorical(frame["scenario"], categories=list(SCENARIOS))
    frame = frame.sort_values(["equipment_id", "scenario"], kind="stable", ignore_index=True)
    frame.attrs.update(peak_source=peak.source, peak_hour=peak.hour, peak_note=peak.note,
                       visits_imputed=segments.visits_imputed)
    return frame


def adoption_curve(forecast: pd.DataFrame, assumptions: Mapping[str, Assumption],
                   months: int = 24) -> pd.DataFrame:
    """Weekly sessions month by month while uptake ramps up (tidy).

    Columns ``equipment_id``, ``scenario``, ``month`` (1 = first month after installation),
    ``ramp`` (share of full uptake, 0-1) and ``weekly_sessions`` (sessions/week in that
    month). The ``low`` scenario ramps over the high end of ``adoption_months`` (slowest),
    ``high`` over the low end.
    """
    a = assumptions["adoption_months"]
    slowest_first = dict(zip(SCENARIOS, (a.high, a.most_likely, a.low), strict=True))
    month = np.arange(1, months + 1)
    parts = []
    for row in forecast[["equipment_id", "scenario", "weekly_sessions"]].itertuples(index=False):
        ramp = ramp_factor(month, slowest_first[str(row.scenario)])
        parts.append(pd.DataFrame({"equipment_id": row.equipment_id, "scenario": row.scenario,
                                   "month": month, "ramp": ramp,
                                   "weekly_sessions": ramp * row.weekly_sessions}))
    frame = pd.concat(parts, ignore_index=True)
    frame["scenario"] = pd.Categorical(frame["scenario"], categories=list(SCENARIOS))
    return frame
