"""What a KoKo planner takes away from a plan: ``report.html`` and ``plan.xlsx``.

- :func:`render_report` builds the self-contained HTML page (headline figures,
  charts, map) from a problem and a plan's tables.
- :func:`write_report_files` writes ``report.html`` and ``plan.xlsx`` into a
  directory (the staging directory of an atomic plan write).
- :func:`refresh_report` remakes both files of an existing output directory
  from its CSV and JSON files and the input they were planned from.
"""

from kaoa_match.report.files import refresh_report, write_report_files
from kaoa_match.report.html import CHARTS, render_report

__all__ = ["CHARTS", "refresh_report", "render_report", "write_report_files"]
