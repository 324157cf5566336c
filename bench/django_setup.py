"""The host's Django, on a fresh SQLite database in a temporary folder (nothing leaves 127.0.0.1)."""
from __future__ import annotations

import os
import tempfile


def fresh_database() -> str:
    """Set up Django once per process with its own database; returns the folder."""
    folder = os.environ.get('MAGIX_VAR_DIR') if os.environ.get('MAGIX_BENCH_READY') else None
    if folder:
        return folder
    folder = tempfile.mkdtemp(prefix='magix-bench-')
    os.environ.setdefault('MAGIX_DEBUG', 'false')  # as in production: no query log kept in memory
    os.environ.update(DJANGO_SETTINGS_MODULE=os.environ.get('DJANGO_SETTINGS_MODULE', 'lti_tools.demo.settings'),
                      MAGIX_VAR_DIR=folder, MAGIX_BENCH_READY='1')
    from lti_tools.serve import prepare_database, setup_django
    setup_django()
    prepare_database()
    return folder
