"""The web page for KoKo planners: ``python -m kaoa_match serve``.

Upload, check, plan (with live progress and a Stop button), download,
re-plan and late registration in the browser, on the planner's own machine
or a Kreis's server. The pages are German, as the workbook's Hilfe sheet is.
The web layer plans nothing itself: it calls the library as the command line
does. Needs the extra ``web`` (``pip install "kaoa_match[web]"``).
"""
