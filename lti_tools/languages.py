"""Which UI languages the host offers: the MAGIX blocks' compiled catalogues, plus English.

Kept free of XBlock imports so settings can read it: importing ``xblock.reference`` before
Django's apps are ready fails once ``fs`` (a dependency of ``xblocks-contrib``) is installed.
"""
from __future__ import annotations

import importlib.resources
from pathlib import Path

from django.utils import translation

BLOCK_PACKAGES = ('xblocks.scenario', 'xblocks.credentials')
TEXT_DOMAIN = 'text'


def locale_dirs() -> list[str]:
    return [str(importlib.resources.files(package).joinpath('translations')) for package in BLOCK_PACKAGES]


def available_languages() -> list[str]:
    """Language codes with a compiled UI catalogue, plus the source language."""
    found = {'en'}
    for directory in map(Path, locale_dirs()):
        if directory.is_dir():
            found.update(translation.to_language(entry.name) for entry in directory.iterdir()
                         if (entry / 'LC_MESSAGES' / f'{TEXT_DOMAIN}.mo').is_file())
    return sorted(found)
