"""Options shared by ``magix i18n`` and ``magix course``: where the course source and catalogues are."""
from __future__ import annotations

import sys
from pathlib import Path

from . import catalogue, olx


def add_source_arguments(parser) -> None:
    parser.add_argument('--source', type=Path, default=olx.DEMO_COURSE,
                        help='course source folder (OLX tree; default: the demo course)')
    parser.add_argument('--scenarios', type=Path, default=olx.SCENARIO_CONTENT,
                        help='folder of scenario content files <NN>-<slug>.xml')
    parser.add_argument('--pathways', type=Path, default=olx.PATHWAY_CONTENT,
                        help='folder of credential pathway content files')
    add_catalogue_argument(parser)


def add_catalogue_argument(parser) -> None:
    parser.add_argument('--catalogues', type=Path, default=catalogue.CATALOGUE_DIR,
                        help='folder of course.pot and <lang>.po (default: translations/course)')


def source_tree(args, strict: bool = True) -> olx.CourseTree:
    """The assembled course; with ``strict=False`` missing content files are warnings."""
    missing = None if strict else []
    tree = olx.assemble(args.source, args.scenarios, args.pathways, missing=missing)
    for message in missing or []:
        print(f'warning: {message}', file=sys.stderr)
    return tree


def fail(message: str) -> int:
    print(f'error: {message}', file=sys.stderr)
    return 2
