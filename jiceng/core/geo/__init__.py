"""Pure-Python geo core for Jiceng (no Django imports).

Modules: ``coords`` (WGS-84 / GCJ-02 / BD-09), ``grid_index`` (point -> unit routing),
``tiling`` (deterministic polygon tilings for the demo city), ``integrity`` (gap / overlap checks)
and ``address`` (Chinese address normalization). Import the submodules directly; this package
module stays light on purpose.
"""
