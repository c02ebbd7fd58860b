"""The WSGI module settles the process: start-up objects are frozen out of the collector."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wsgi_module_freezes_the_start_up_objects() -> None:
    script = (
        "import gc, config.wsgi, rest_framework.views; "
        "print(gc.get_freeze_count(), 'search.views' in __import__('sys').modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 10_000  # modules, URL patterns, fields: the bulk of the process
    assert views_loaded == "True"  # the URL patterns were loaded before the freeze
