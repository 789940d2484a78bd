"""Back-pain exposure: each member's probability of current back pain, and totals by segment.

The model (README, "The model"):

1. **Prevalence by age band and sex.** NHIS 2019 (``back_pain_3mo`` in
   ``data/reference/back_pain_prevalence.csv``: any back pain in the past three months) gives
   the age bands and the two sexes as *separate margins*, not crossed. We combine them by
   scaling the age band's rate by the sex's ratio to the overall adult rate::

       p(age, sex) = p(age) * p(sex) / p(all adults)

   e.g. a woman of 30-44: 35.2% * 40.6 / 39.0 = 36.64%. This assumes the sex ratio is the same
   in every age band (no published cross-table was found). Sex ``X`` (another or not stated)
   takes the age band's rate unscaled. Members without a year of birth take the overall
   adult rate, a prior listed by :func:`exposure_priors`. Junior members, under the youngest
   band (NHIS starts at 18: :data:`~evaluate.data.members.JUNIOR_AGE`), are left out of the
   back-pain figures: no published adult rate applies to them. Their probability is taken
   as 0, so that they add nothing to any count of members with back pain (they may still use
   a machine for their training goal: :mod:`evaluate.model.demand`), and the exposure table
   leaves them out; :func:`exposure_priors` counts them with a note.
2. **Desk work.** Desk workers' probability is moved by the published odds ratio of low back
   pain for workplace sitting (Dzakpasu et al. 2021, OR 1.47, 95% CI 1.12-1.92) **on the odds
   scale**: with ``o = p / (1 - p)``, ``p' = OR * o / (1 + OR * o)`` (:func:`odds_adjust`).
   The published prevalence is taken as the rate of members who do not work at a desk: it is a
   population figure that already includes some desk workers, so this overstates desk
   workers' rate slightly (by at most about two percentage points at the demo club's shares).
3. **Unknown occupation.** A member whose occupation is unknown is a mixture: with the prior
   share ``s`` of desk workers (assumption ``desk_share_prior``),
   ``p = s * p'(desk) + (1 - s) * p`` (:func:`back_pain_core`).
4. **Ranges.** Every result has low / most-likely / high: the low case takes the low ends of
   every source range together (the OR's CI, the prevalence interval where the table gives one,
   the prior desk share), the high case the high ends. The probability rises with each input,
   so these bound the result; they are a range, not a confidence interval.

The numeric core works on numpy arrays and broadcasts, so a leading draws axis
(``odds_ratio`` of shape ``(draws, 1)``) gives ``(draws, members)`` or ``(draws, segments)``
in one call. The wrappers take the member frame and return a Series or a tidy frame. Counts
here are not suppressed: pass tables through :func:`evaluate.reports.privacy.suppress_small_groups`
before a report shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.data.assumptions import CATALOGUE, Assumption
from evaluate.data.members import SEXES
from evaluate.data.reference import desk_work_odds_ratio, load_back_pain_prevalence
from evaluate.model.segments import (
    ACTIVITIES,
    DESK,
    UNDER_BANDS,
    UNKNOWN_ACTIVITY,
    MemberCodes,
    active_mask,
    age_labels,
    as_of_day,
    member_codes,
    segment_frame,
    segment_index,
)

MEASURE = "back_pain_3mo"  # NHIS 2019: any back pain in the past three months
SCENARIOS = ("low", "most_likely", "high")
JUNIORS = f"junior members ({UNDER_BANDS})"  # the priors' row of the members left out
Triple = tuple[float, float, float]  # low, most likely, high


def odds_adjust(probability: np.ndarray | float, odds_ratio: np.ndarray | float) -> np.ndarray:
    """Apply an odds ratio to a probability on the odds scale.

    ``p' = OR * o / (1 + OR * o)`` with ``o = p / (1 - p)``, written as
    ``OR * p / (1 - p + OR * p)`` so that ``p = 1`` stays 1 without dividing by zero.

    Parameters
    ----------
    probability
        Probabilities (0-1), any shape.
    odds_ratio
        Odds ratios (> 0), broadcastable against ``probability``.

    Returns
    -------
    numpy.ndarray
        Adjusted probabilities (0-1), the broadcast shape.
    """
    p = np.asarray(probability, dtype=float)
    ratio = np.asarray(odds_ratio, dtype=float)
    return ratio * p / (1.0 - p + ratio * p)


def combine_age_sex(age_rate: np.ndarray, sex_ratio: np.ndarray) -> np.ndarray:
    """Prevalence for an age band and sex from separate margins: ``age_rate * sex_ratio``.

    ``sex_ratio`` is the sex's prevalence over the overall prevalence (1 for sex X); the result
    is clipped to 0-1. Units: probability (0-1).
    """
    return np.clip(np.asarray(age_rate, float) * np.asarray(sex_ratio, float), 0.0, 1.0)


def desk_weight(activity: np.ndarray, desk_share: np.ndarray | float) -> np.ndarray:
    """Weight of the desk-work odds ratio per member or segment: 1 desk, 0 known other, s unknown.

    ``activity`` holds codes into :data:`ACTIVITIES`; ``desk_share`` (fraction, shape
    ``(draws, 1)`` or scalar) broadcasts over it.
    """
    code = np.asarray(activity)
    share = np.asarray(desk_share, dtype=float)
    return np.where(code == DESK, 1.0, np.where(code == UNKNOWN_ACTIVITY, share, 0.0))


def back_pain_core(base: np.ndarray, activity: np.ndarray, odds_ratio: np.ndarray | float,
                   desk_share: np.ndarray | float) -> np.ndarray:
    """Probability of current back pain (0-1) from base prevalence and occupation.

    ``p = base + w * (odds_adjust(base, OR) - base)`` with ``w`` from :func:`desk_weight`: the
    desk-work odds ratio for desk workers, none for others, and the mixture with the prior desk
    share for unknown occupation.

    Parameters
    ----------
    base
        Prevalence (0-1) by age band and sex, shape ``(..., n)`` (members or segments).
    activity
        Occupation codes into :data:`ACTIVITIES`, shape ``(n,)``.
    odds_ratio, desk_share
        Scalars, or arrays with a leading draws axis, shape ``(draws, 1)``.

    Returns
    -------
    numpy.ndarray
        Probabilities (0-1), the broadcast shape, e.g. ``(draws, n)``.
    """
    base = np.asarray(base, dtype=float)
    return base + desk_weight(activity, desk_share) * (odds_adjust(base, odds_ratio) - base)


@dataclass(frozen=True)
class Prevalence:
    """The published prevalence the model uses, as arrays (probabilities 0-1).

    ``band_min`` are the age bands' lower bounds (years, ascending, contiguous);
    ``band_rates`` has shape ``(3, bands)`` for low / most likely / high; ``overall`` the
    adult rate (3,), ``sex_ratio`` the F and M rates over the overall most-likely rate.
    """

    band_labels: tuple[str, ...]
    band_min: np.ndarray
    band_rates: np.ndarray
    overall: np.ndarray
    sex_ratio: Mapping[str, float]
    sources: tuple[str, ...]

    @property
    def age_labels(self) -> tuple[str, ...]:
        """Age-band codes' labels: under the youngest band, each band, unknown age."""
        return age_labels(self.band_labels)


def _triple(rows: pd.DataFrame) -> np.ndarray:
    value = rows["value"].to_numpy(float)
    low = np.where(np.isnan(rows["low"].to_numpy(float)), value, rows["low"].to_numpy(float))
    high = np.where(np.isnan(rows["high"].to_numpy(float)), value, rows["high"].to_numpy(float))
    return np.stack([low, value, high]) / 100.0


def prevalence_from_table(table: pd.DataFrame, measure: str = MEASURE) -> Prevalence:
    """Pick the age bands, the overall adult rate and the sex ratios of ``measure``.

    Parameters
    ----------
    table
        :func:`evaluate.data.reference.load_back_pain_prevalence` (percent).
    measure
        Which prevalence to use; the default is NHIS 2019 back pain in the past three months.

    Raises
    ------
    ValueError
        If the bands are missing, overlap or leave a gap, or the overall or a sex row is
        missing.
    """
    rows = table.loc[table["measure"] == measure]
    both = rows.loc[rows["sex"] == "all"]
    overall = both.loc[both["age_max"].isna() & (both["age_min"] == both["age_min"].min())]
    bands = both.drop(index=overall.index).sort_values("age_min")
    if len(overall) != 1 or bands.empty:
        raise ValueError(f"{measure}: need one overall adult row and at least one age band")
    lower = bands["age_min"].to_numpy(int)
    upper = bands["age_max"].to_numpy(float, na_value=np.inf)
    if np.any(lower[1:] != upper[:-1] + 1) or not np.isinf(upper[-1]):
        raise ValueError(f"{measure}: age bands must be contiguous and end open (e.g. 65+)")
    if lower[0] != int(overall["age_min"].iloc[0]):
        raise ValueError(f"{measure}: the youngest band must start at the overall row's age")
    overall_rate = _triple(overall)[:, 0]
    ratio = {}
    for sex in ("F", "M"):
        row = rows.loc[(rows["sex"] == sex) & (rows["age_band"] == overall["age_band"].iloc[0])]
        if len(row) != 1:
            raise ValueError(f"{measure}: need one adult row for sex {sex}")
        ratio[sex] = float(row["value"].iloc[0]) / 100.0 / overall_rate[1]
    ratio["X"] = 1.0
    return Prevalence(band_labels=tuple(bands["age_band"]), band_min=lower,
                      band_rates=_triple(bands), overall=overall_rate, sex_ratio=ratio,
                      sources=tuple(dict.fromkeys(rows["source"])))


@dataclass(frozen=True)
class ExposureParameters:
    """Everything the exposure model needs besides the members.

    ``odds_ratio`` (odds ratio) and ``desk_share`` (fraction) are low / most-likely / high;
    ``odds_ratio_origin`` and ``desk_share_origin`` say where each came from (``reference``,
    ``file`` or ``default``).
    """

    prevalence: Prevalence
    odds_ratio: Triple
    desk_share: Triple
    odds_ratio_origin: str = "reference"
    desk_share_origin: str = "default"

    @classmethod
    def load(cls, assumptions: Mapping[str, Assumption] | None = None,
             reference_dir: Path | None = None) -> ExposureParameters:
        """Read the reference tables; take the OR and the desk share from ``assumptions``.

        The odds ratio is the assumption ``sedentary_odds_ratio`` when ``assumptions`` holds
        one read from a file (an analyst may change it), else the reference row
        ``workplace_sitting`` (value and 95% CI). ``desk_share_prior`` comes from
        ``assumptions``, else its documented default.
        """
        prevalence = prevalence_from_table(load_back_pain_prevalence(reference_dir))
        given = dict(assumptions or {})
        ratio = given.get("sedentary_odds_ratio")
        if ratio is not None and ratio.origin == "file":
            odds, odds_origin = _range(ratio), "file"
        else:
            row = desk_work_odds_ratio(reference_dir)
            value = float(row["value"])
            low, high = (float(row[k]) if pd.notna(row[k]) else value for k in ("low", "high"))
            odds, odds_origin = (low, value, high), "reference"
        share = given.get("desk_share_prior")
        if share is None:
            return cls(prevalence, odds, CATALOGUE["desk_share_prior"].default, odds_origin)
        return cls(prevalence, odds, _range(share), odds_origin, share.origin)

    def scenario(self, name: str) -> tuple[np.ndarray, float, float]:
        """Band rates (bands,), overall rate, odds ratio and desk share for one scenario."""
        k = SCENARIOS.index(name)
        rates = np.append(self.prevalence.band_rates[k], self.prevalence.overall[k])
        return rates, self.odds_ratio[k], self.desk_share[k]


def _range(assumption: Assumption) -> Triple:
    return (assumption.low, assumption.most_likely, assumption.high)


def base_rate_table(prevalence: Prevalence, rates: np.ndarray) -> np.ndarray:
    """Base prevalence (0-1) per age code × sex code, shape ``(ages, sexes)``.

    ``rates`` are the band rates followed by the overall rate (one scenario). Under the bands
    (junior members): 0, left out of the back-pain figures (no published adult rate applies);
    unknown age: the overall rate. Sex scales by its ratio.
    """
    by_age = np.concatenate([[0.0], rates])  # juniors: no adult rate, counted with none
    ratio = np.array([prevalence.sex_ratio[s] for s in SEXES])
    return combine_age_sex(by_age[:, None], ratio[None, :])


def member_probabilities(codes: MemberCodes, params: ExposureParameters,
                         scenario: str = "most_likely") -> np.ndarray:
    """Each coded member's probability of current back pain (0-1) in one scenario."""
    rates, odds, share = params.scenario(scenario)
    base = base_rate_table(params.prevalence, rates)[codes.age, codes.sex]
    return back_pain_core(base, codes.activity, odds, share)


def back_pain_probability(members: pd.DataFrame, params: ExposureParameters | None = None, *,
                          scenario: str = "most_likely",
                          as_of: date | str | None = None) -> pd.Series:
    """Each member's probability of current back pain (0-1), indexed like ``members``.

    Parameters
    ----------
    members
        The roster from :func:`evaluate.data.members.load_members` (every row is scored; filter
        first to score only active members).
    params
        Prevalence, odds ratio and desk share; default :meth:`ExposureParameters.load`.
    scenario
        ``low``, ``most_likely`` or ``high`` (see the module docstring).
    as_of
        Date ages are taken on (age = year of ``as_of`` - birth year); default the roster's
        latest join or cancel date (a report passes the club's roster date:
        :func:`~evaluate.model.segments.as_of_day`).
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"scenario must be one of {', '.join(SCENARIOS)}, not {scenario!r}")
    params = params or ExposureParameters.load()
    codes = member_codes(members, params.prevalence.band_min, as_of_day(members, as_of))
    return pd.Series(member_probabilities(codes, params, scenario), index=members.index,
                     name="back_pain_probability")


def exposure_by_segment(members: pd.DataFrame, params: ExposureParameters | None = None, *,
                        as_of: date | str | None = None, active_only: bool = True,
                        keep_empty: bool = False) -> pd.DataFrame:
    """Expected members with current back pain per segment (age band × sex × activity).

    Returns a tidy frame: ``age_band``, ``sex``, ``activity`` (``desk``, ``mixed``, ``active``,
    ``unknown``), ``members`` (count), ``expected_with_back_pain_low``,
    ``expected_with_back_pain_most_likely``, ``expected_with_back_pain_high`` (expected
    members, sums of probabilities) and ``share`` (most-likely expected / members: the
    segment's probability of back pain, 0-1). ``frame.attrs["priors"]`` is
    :func:`exposure_priors`. Empty segments are dropped unless ``keep_empty``.

    Parameters
    ----------
    members
        The roster (:func:`evaluate.data.members.load_members`).
    params
        Default :meth:`ExposureParameters.load`.
    as_of
        Date of ages and status; default the roster's latest join or cancel date (a report
        passes the club's roster date: :func:`~evaluate.model.segments.as_of_day`).
    active_only
        Count only members active on ``as_of`` (the members a machine could serve).
    keep_empty
        Keep segments with no members (a full grid, in code order).
    """
    params = params or ExposureParameters.load()
    day = as_of_day(members, as_of)
    chosen = members.loc[active_mask(members, day)] if active_only else members
    every = member_codes(chosen, params.prevalence.band_min, day)
    codes = _adults(every)
    labels = params.prevalence.age_labels
    index = segment_index(codes)
    size = len(labels) * len(SEXES) * len(ACTIVITIES)
    table = segment_frame(labels)
    table["members"] = np.bincount(index, minlength=size)
    for scenario in SCENARIOS:
        rates, odds, share = params.scenario(scenario)
        base = base_rate_table(params.prevalence, rates).ravel()  # per age × sex
        activity = np.tile(np.arange(len(ACTIVITIES)), size // len(ACTIVITIES))
        per_segment = back_pain_core(np.repeat(base, len(ACTIVITIES)), activity, odds, share)
        table[f"expected_with_back_pain_{scenario}"] = table["members"] * per_segment
    table["share"] = (table["expected_with_back_pain_most_likely"]
                      / table["members"].where(table["members"] > 0))
    if not keep_empty:
        table = table.loc[table["members"] > 0].reset_index(drop=True)
    table.attrs["priors"] = _priors(every, params)
    return table


def _adults(codes: MemberCodes) -> MemberCodes:
    """The codes of the members who are not juniors (age code 0: under the published bands)."""
    keep = codes.age != 0
    return MemberCodes(*(getattr(codes, f.name)[keep] for f in fields(MemberCodes)))


def exposure_priors(members: pd.DataFrame, params: ExposureParameters | None = None, *,
                    as_of: date | str | None = None, active_only: bool = True) -> pd.DataFrame:
    """What in the exposure figures came from priors rather than the club's data or a source.

    One row per kind of prior: ``item``, ``members`` (how many it touches), ``assumption``
    (the named assumption or rule) and ``note`` (a sentence a report can print). Rows with no
    members are dropped, except the odds-ratio row, which always says where the OR came from.
    """
    params = params or ExposureParameters.load()
    day = as_of_day(members, as_of)
    chosen = members.loc[active_mask(members, day)] if active_only else members
    return _priors(member_codes(chosen, params.prevalence.band_min, day), params)


def _priors(every: MemberCodes, params: ExposureParameters) -> pd.DataFrame:
    """The priors of :func:`exposure_priors` for the coded members ``every``, juniors counted.

    Junior members are counted in their own row; every other row counts the adults (and
    members of unknown age) the figures rest on.
    """
    labels = params.prevalence.age_labels
    low, likely, high = params.desk_share
    codes = _adults(every)
    rows = [
        ("occupation unknown", int(np.sum(codes.activity == UNKNOWN_ACTIVITY)),
         "desk_share_prior", f"occupation not recorded: a prior {likely:.0%} (range {low:.0%}-"
         f"{high:.0%}) of them are taken to work at a desk ({params.desk_share_origin})"),
        (JUNIORS, int(np.sum(every.age == 0)), "left out",
         "left out of the back-pain figures: no published adult rate applies to them "
         f"(the youngest band is {labels[1]})"),
        ("birth year unknown", int(np.sum(codes.age == len(labels) - 1)), "overall adult rate",
         "year of birth not recorded: the overall adult rate is used"),
        ("sex another or not stated", int(np.sum(codes.sex == SEXES.index("X"))),
         "age band's rate, unscaled", "no published rate: the age band's rate for both sexes"),
        ("age × sex combined", len(codes.age), "sex ratio constant across ages",
         "published prevalence gives age and sex separately; the age band's rate is scaled by "
         "the sex's ratio to the overall rate"),
    ]
    frame = pd.DataFrame(rows, columns=["item", "members", "assumption", "note"])
    frame = frame.loc[frame["members"] > 0]
    ratio = params.odds_ratio
    odds = pd.DataFrame([("desk-work odds ratio", int(np.sum(codes.activity == DESK)),
                          "sedentary_odds_ratio",
                          f"OR {ratio[1]:g} (range {ratio[0]:g}-{ratio[2]:g}) from the "
                          f"{params.odds_ratio_origin}; an association in mostly "
                          "cross-sectional studies, not a measured effect")],
                        columns=frame.columns)
    return pd.concat([frame, odds], ignore_index=True)
