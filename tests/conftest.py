"""Fixtures for the project-wide tests: the shared personas and region tree of src/simpul/conftest.py.

pytest only applies a conftest.py to the tests below it, so tests under tests/ get the shared fixtures from
here: use `personas`, `region_tree` (and `from simpul.conftest import login`) without importing the fixtures.
"""

from simpul.conftest import (  # noqa: F401 - re-exported fixtures
    _default_language,
    _empty_cache,
    _fast_password_hashing,
    _media_in_tmp,
    personas,
    region_tree,
)
