"""``magix``: the command-line door to everything outside the LMS (demo host, course tools, LTI).

Each subcommand lives with the package it serves; this module only dispatches to them, and
imports a subcommand's module only when it is used (so ``magix --help`` stays fast).
"""
from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module with ``add_arguments(parser)`` and ``run(args)``, one-line help)
SUBCOMMANDS = {
    'serve': ('lti_tools.serve', 'Serve the workbench demo and the LTI tool on 127.0.0.1.'),
    'credentials': ('xblocks.credentials.cli', 'Verify a downloaded micro-credential, or issue one for the demo.'),
    'lti': ('lti_tools.lti_cli', 'LTI 1.3 tool: register platforms, rotate keys, registration JSON, deliver grades.'),
    'i18n': ('course_export.i18n_cli', 'Course content translation: extract, update, status, XLIFF export and import.'),
    'course': ('course_export.course_cli', 'Build the demo course archive per language; check any course archive.'),
    'ui-strings': ('xblocks.ui_catalogue', 'Extract, merge, compile and count the XBlocks\' UI translations.'),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s module is imported to describe its own arguments."""
    parser = argparse.ArgumentParser(prog='magix', description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest='command', metavar='COMMAND', required=True)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(module=module_name)
        if name == command:
            importlib.import_module(module_name).add_arguments(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = next((word for word in argv if not word.startswith('-')), None)
    args = build_parser(command).parse_args(argv)
    return importlib.import_module(args.module).run(args) or 0


if __name__ == '__main__':
    sys.exit(main())
