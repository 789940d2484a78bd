"""Turning a plan into published reports: plan, parameters, execution, cache, publish."""
