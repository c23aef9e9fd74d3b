"""Settings for `bench/bench_web.py` only: Simpul's settings with a URLconf that adds the bare baseline view.

Production URLs are untouched: this module is on the path only when the benchmark starts gunicorn with
`--pythonpath bench`.
"""

from simpul.settings import *  # noqa: F403 - the benchmark runs Simpul exactly as configured, plus one URL

ROOT_URLCONF = "bench_web_urls"
