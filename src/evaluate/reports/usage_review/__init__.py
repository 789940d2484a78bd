"""The usage review: the analysis, its sections and its charts."""
