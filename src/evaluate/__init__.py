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

__all__ = ["__version__"]
