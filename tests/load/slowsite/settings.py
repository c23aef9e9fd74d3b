"""Simpul's settings with one extra, slow URL: for tests/load/test_queue_shedding.py only."""

from simpul.settings import *  # noqa: F403 - Simpul exactly as configured, plus one URL

ROOT_URLCONF = "slowsite.urls"
