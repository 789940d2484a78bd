"""The club equipment decision suite: score equipment a club could buy, and report on it.

Import name ``evaluate``; distribution name ``club-equipment-suite`` (the name
``evaluate`` on PyPI belongs to an unrelated package).
"""

import sys

# Start-up speed, measured in ../shared/reference/notebook-pipeline.md §2.10: with JupyterLab
# installed, `import jsonschema` (pulled in by nbformat, hence by papermill, nbconvert and
# Plotly's renderers) compiles ~35 Lark grammars in `rfc3987_syntax`, about 3 s in every kernel
# and in the build. jsonschema only uses that package to check the `iri` formats, which no
# Jupyter schema uses, and skips it when the import fails. A `None` entry in sys.modules makes
# the import fail at once; it is set only if nothing imported the real module already.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from importlib.metadata import PackageNotFoundError, version  # noqa: E402

try:
    __version__ = version("club-equipment-suite")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

# The public API: what notebooks and analysts use, by name, from `evaluate`. Loaded on first
# use (PEP 562), so `import evaluate` stays cheap for the command line and in every kernel.
_PUBLIC = {
    # data: loading and checking a club folder, and the shared reference data
    "load_club": "evaluate.club",
    "load_members": "evaluate.members",
    "load_equipment": "evaluate.equipment",
    "load_assumptions": "evaluate.assumptions",
    "load_checkins": "evaluate.checkins",
    "load_equipment_usage": "evaluate.usage",
    "check_club": "evaluate.checks",
    "load_back_pain_prevalence": "evaluate.reference",
    "load_benchmarks": "evaluate.reference",
    "sources_table": "evaluate.reference",
    # the model: exposure, usage, calibration, money
    "back_pain_probability": "evaluate.exposure",
    "exposure_by_segment": "evaluate.exposure",
    "exposure_priors": "evaluate.exposure",
    "forecast_usage": "evaluate.demand",
    "adoption_curve": "evaluate.demand",
    "calibrate_uptake": "evaluate.calibration",
    "calibrated_assumptions": "evaluate.calibration",
    "fill_equipment_costs": "evaluate.finance",
    "finance_summary": "evaluate.finance",
    "cash_flow_table": "evaluate.finance",
    "simulate": "evaluate.uncertainty",
    "one_way_swings": "evaluate.uncertainty",
    "draw_assumptions": "evaluate.sampling",
    # decision: scoring the candidates
    "weighted_sum": "evaluate.scoring",
    "topsis": "evaluate.scoring",
    "contributions": "evaluate.scoring",
    "ahp_weights": "evaluate.scoring",
    # reports: the decision and a candidate's case, end to end
    "load_club_data": "evaluate.decision",
    "analyse_decision": "evaluate.decision",
    "analyse_candidate": "evaluate.candidate_profile",
    "audience_table": "evaluate.audience",
    "DecisionCriteria": "evaluate.criteria",
    "DecisionReportParams": "evaluate.notebook_params",
    "CandidateProfileParams": "evaluate.notebook_params",
    # reports: recording key figures, privacy, charts
    "record": "evaluate.results",
    "read_records": "evaluate.results",
    "suppress_small_groups": "evaluate.privacy",
    "configure_plotly": "evaluate.charts",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> object:
    """Import a public name's module on first use."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'evaluate' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
