"""The outside tools the issued letters are checked with: poppler's pdfsig and pdfinfo, and pyHanko's validator."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def run_tool(tool: str, content: bytes, *args: str, after: tuple[str, ...] = ()) -> str:
    """`tool` run on `content` (as a file), with `args` before the file name and `after` it; its output."""
    if shutil.which(tool) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing (poppler-utils)")
        pytest.skip(f"{tool} is missing (poppler-utils)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "letter.pdf"
        path.write_bytes(content)
        done = subprocess.run([tool, *args, str(path), *after], capture_output=True, text=True, timeout=60, check=False)
    return done.stdout + done.stderr
