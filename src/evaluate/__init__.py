"""The club equipment decision suite: score equipment a club could buy, and report on it.

Import name ``evaluate``; distribution name ``club-equipment-suite`` (the name
``evaluate`` on PyPI belongs to an unrelated package).
"""

import sys

# Start-up speed (README, "Speed"): with JupyterLab installed, `import jsonschema` (pulled in
# by nbformat, hence by papermill, nbconvert and Plotly's renderers) compiles ~35 Lark grammars
# in `rfc3987_syntax`, about 3 s in every kernel and in the build (known upstream:
# python-jsonschema/jsonschema#1428). jsonschema only uses that package to check the `iri`
# formats, which no Jupyter schema uses, and skips it when the import fails. A `None` entry in
# sys.modules makes the import fail at once; it is set only if nothing imported the real module
# already.
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
    "load_club": "evaluate.data.club",
    "load_members": "evaluate.data.members",
    "load_equipment": "evaluate.data.equipment",
    "load_assumptions": "evaluate.data.assumptions",
    "load_checkins": "evaluate.data.checkins",
    "load_equipment_usage": "evaluate.data.usage",
    "check_club": "evaluate.data.checks",
    "load_back_pain_prevalence": "evaluate.data.reference",
    "load_benchmarks": "evaluate.data.reference",
    "sources_table": "evaluate.data.reference",
    "load_catalogue": "evaluate.data.catalogue",
    # the model: exposure, usage, calibration, money
    "back_pain_probability": "evaluate.model.exposure",
    "exposure_by_segment": "evaluate.model.exposure",
    "exposure_priors": "evaluate.model.exposure",
    "forecast_usage": "evaluate.model.demand",
    "adoption_curve": "evaluate.model.demand",
    "calibrate_uptake": "evaluate.model.calibration",
    "calibrated_assumptions": "evaluate.model.calibration",
    "fill_equipment_costs": "evaluate.model.costs",
    "finance_summary": "evaluate.model.finance",
    "cash_flow_table": "evaluate.model.finance",
    "simulate": "evaluate.model.uncertainty",
    "one_way_swings": "evaluate.model.uncertainty",
    "draw_assumptions": "evaluate.model.sampling",
    # decision: scoring the candidates
    "weighted_sum": "evaluate.mcda.scoring",
    "topsis": "evaluate.mcda.scoring",
    "contributions": "evaluate.mcda.scoring",
    "ahp_weights": "evaluate.mcda.scoring",
    # reports: the decision and a candidate's case, end to end
    "load_club_data": "evaluate.data.club_data",
    "analyse_decision": "evaluate.reports.decision.analysis",
    "analyse_candidate": "evaluate.reports.candidate_profile",
    "audience_table": "evaluate.reports.audience",
    "DecisionCriteria": "evaluate.mcda.criteria",
    "DecisionReportParams": "evaluate.reports.notebook_params",
    "CandidateProfileParams": "evaluate.reports.notebook_params",
    # reports: recording key figures, privacy, charts
    "record": "evaluate.reports.results",
    "read_records": "evaluate.reports.results",
    "suppress_small_groups": "evaluate.reports.privacy",
    "configure_plotly": "evaluate.reports.charts",
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
