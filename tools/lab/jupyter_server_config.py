"""Jupyter Server settings for `make lab` (the Makefile puts this folder on JUPYTER_CONFIG_PATH).

A token Jupyter did not generate itself (one set with JUPYTER_TOKEN) is printed as
``?token=...``, so the URL `make lab` prints would not open the course. Show the real one:
``custom_display_url`` with only a query replaces just the query of the printed URL (host,
port and path stay Jupyter's own).
"""

import os
from urllib.parse import urlencode

c = get_config()  # noqa: F821  (provided by Jupyter when it loads this file)

if os.environ.get("JUPYTER_TOKEN"):
    c.ServerApp.custom_display_url = "?" + urlencode({"token": os.environ["JUPYTER_TOKEN"]})
