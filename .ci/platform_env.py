"""Helpers for `make test-platform`: our package inside the Open edX platform's pinned environment.

    python .ci/platform_env.py check PINS            # every pinned package still at its pinned version
    python .ci/platform_env.py constraints PINS OURS  # print PINS + our pins for packages PINS lacks

``check`` runs with the platform environment's interpreter after ``pip install -e .`` (no
constraints, as a Tutor image installs extra requirements after the platform's): a pinned package
that our ranges upgraded or downgraded is listed and the exit status is 1. ``constraints`` gives
the test tools (pytest, xblock-sdk...) our exact versions without ever overriding a platform pin.
"""
from __future__ import annotations

import importlib.metadata
import re
import sys

NAME = re.compile(r'^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)')


def normalise(name: str) -> str:
    return re.sub(r'[-_.]+', '-', name).lower()


def pins(path: str) -> dict[str, tuple[str, str]]:
    """``{normalised name: (name as written, version)}`` of a ``name==version`` file."""
    found = {}
    with open(path, encoding='utf-8') as lines:
        for line in lines:
            match = NAME.match(line.strip())
            if match:
                found[normalise(match.group(1))] = (match.group(1), match.group(3))
    return found


def check(pins_path: str) -> int:
    changed, missing = [], []
    for name, (written, version) in sorted(pins(pins_path).items()):
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(written)
            continue
        if installed != version:
            changed.append(f'{written}: pinned {version}, installed {installed}')
    for line in changed:
        print(f'CHANGED {line}')
    if missing:
        print(f'(not installed, left out on purpose or never installed: {", ".join(missing)})')
    if changed:
        print(f'{len(changed)} platform package(s) changed: our ranges must admit the platform\'s pins.')
        return 1
    print(f'All {len(pins(pins_path)) - len(missing)} installed platform pins unchanged.')
    return 0


def constraints(pins_path: str, ours_path: str) -> int:
    platform = pins(pins_path)
    for written, version in platform.values():
        print(f'{written}=={version}')
    for name, (written, version) in sorted(pins(ours_path).items()):
        if name not in platform:
            print(f'{written}=={version}')
    return 0


if __name__ == '__main__':
    command, *arguments = sys.argv[1:]
    sys.exit({'check': check, 'constraints': constraints}[command](*arguments))
