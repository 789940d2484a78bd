"""The decision report: the analysis, its sections and its charts."""
