"""Repository-wide pytest hooks: per-notebook wall times at the end of a run; notebooks/ko/ not collected."""

from __future__ import annotations

from collections import defaultdict

# The Korean notebooks (notebooks/ko/, tools/ko.py) are the English ones with translated prose:
# the same code and copied outputs, so nbval does not run them a second time;
# tests/test_korean.py checks that they are exactly what `make ko` writes.
collect_ignore = ["notebooks/ko"]

_notebook_seconds: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _notebook_seconds[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _notebook_seconds:
        return
    terminalreporter.section("notebook wall times")
    for path, seconds in sorted(_notebook_seconds.items()):
        terminalreporter.write_line(f"{seconds:8.1f} s  {path}")
    terminalreporter.write_line(f"{sum(_notebook_seconds.values()):8.1f} s  all notebooks")
