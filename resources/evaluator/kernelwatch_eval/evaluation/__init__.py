"""One evaluation: the forked child's entry (child), its stages (harness), the size probe
(sizeprobe) and the full EvalResult a parent assembles from a child's partial one (results).
Imports any layer below (sandbox, loading, checks, measure), never the package's entry modules.
"""
