"""Whistle-call assignment engine (SPEC C4): pure Python, no Django.

See :mod:`jiceng.mobilize.assignment.solver` for the model; its `__all__` is this package's API.
"""

from .solver import *  # noqa: F403  (the names the solver lists in its __all__)
from .solver import __all__  # noqa: F401
