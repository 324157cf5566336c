"""``magix course``: build the course archive per language, and check any course archive."""
from __future__ import annotations

from pathlib import Path

from . import catalogue
from .archive import LIMIT_VARIABLES, MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES, MB, Limits
from .build import STATIC_OVERRIDES, IncompleteTranslation, build
from .check import ERROR, check_archive, check_tree, magix_findings
from .cli_options import add_source_arguments, fail, source_tree
from .olx import CourseError, course_run, write_archive
from .parallel import (MAX_PROCESSES, MIN_PARALLEL_FILES, PROCESSES_VARIABLE, ArchiveWriter, ForkedCall, can_fork,
                       process_count, worth_sharing)
from .units import SOURCE_LANGUAGE


def add_arguments(parser) -> None:
    actions = parser.add_subparsers(dest='action', metavar='ACTION', required=True)
    sub = actions.add_parser('build', help='write one importable .tar.gz per language')
    add_source_arguments(sub)
    sub.add_argument('--lang', action='append', required=True,
                     help=f'language to build ({SOURCE_LANGUAGE} is the source); repeat for several')
    sub.add_argument('--output', type=Path, required=True,
                     help='the .tar.gz to write (one language) or a folder (one archive per language)')
    sub.add_argument('--allow-incomplete', action='store_true',
                     help='fall back to the English for missing or fuzzy translations, and list them')
    sub.add_argument('--static-overrides', type=Path, default=STATIC_OVERRIDES,
                     help='folder with <lang>/<path> files replacing static/<path> (localised assets)')
    sub.add_argument('--processes', type=int, metavar='N',
                     help=f'processes to use: with 2 or more, a large course (from {MIN_PARALLEL_FILES:,} files) '
                          f'is translated by several processes and checked by two (default ${PROCESSES_VARIABLE}, '
                          f'else the CPUs available, at most {MAX_PROCESSES}; 1: one process)')
    sub = actions.add_parser('check', help='validate a course archive (olxcleaner and MAGIX checks)')
    sub.add_argument('archive', type=Path)
    sub.add_argument('--allow-xblock', action='append', default=[], metavar='TAG',
                     help='another XBlock tag the course may use')
    sub.add_argument('--max-files', type=int, metavar='N',
                     help=f'most entries (files and folders) read from the archive (default {MAX_FILES:,}, '
                          f'or ${LIMIT_VARIABLES["max_files"][0]})')
    sub.add_argument('--max-mb', type=int, metavar='MB',
                     help=f'most MB unpacked (default {MAX_TOTAL_BYTES // MB:,}, '
                          f'or ${LIMIT_VARIABLES["max_total_bytes"][0]})')
    sub.add_argument('--max-file-mb', type=int, metavar='MB',
                     help=f'most MB for one file (default {MAX_FILE_BYTES // MB:,}, '
                          f'or ${LIMIT_VARIABLES["max_file_bytes"][0]})')
    sub.add_argument('--processes', type=int, metavar='N',
                     help=f'processes to use: with 2 or more, a large course (from {MIN_PARALLEL_FILES:,} files) '
                          f'has our checks and olxcleaner\'s run side by side (default ${PROCESSES_VARIABLE}, else '
                          f'the CPUs available, at most {MAX_PROCESSES}; 1: one process)')


def run(args) -> int:
    try:
        return do_build(args) if args.action == 'build' else do_check(args)
    except (CourseError, ValueError, OSError) as error:
        return fail(str(error))


def archive_path(args, tree, language) -> Path:
    if len(args.lang) == 1 and args.output.name.endswith('.tar.gz'):
        return args.output
    run, course = course_run(tree)
    return args.output / f'{course.get("org")}-{course.get("course")}-{run}-{language}.tar.gz'


READ_AHEAD_BYTES = 1 << 20  # a smaller catalogue is read sooner than a process starts
CHILD_INDEXES = 0.6  # of a large catalogue's bytes, what the child indexes while the course is read here


def read_catalogue(path, data=None, index=None):
    """``catalogue.read_translations``, its refusal as a ``CourseError``."""
    try:
        return catalogue.read_translations(path, data, index)
    except ValueError as error:
        raise CourseError(str(error)) from None


def read_source(args, processes: int):
    """The course, and the first language's catalogue if it is large (else ``None``: read when built).

    With a second process, that catalogue is read here and indexed in two parts: the first in a
    forked child while the course is read, the rest here after it (the parts take about as long);
    the child reads the bytes where they are and sends back its part of the index only.
    """
    first = args.catalogues / f'{args.lang[0]}.po'
    if not (processes > 1 and can_fork() and first.is_file() and first.stat().st_size >= READ_AHEAD_BYTES):
        return source_tree(args), None
    data = first.read_bytes()
    split = catalogue.entry_boundary(data, int(len(data) * CHILD_INDEXES))
    with ForkedCall(catalogue.index_catalogue, data, 0, split) as indexing:
        tree = source_tree(args)
        rest = catalogue.index_catalogue(data, split)
        return tree, read_catalogue(first, data, catalogue.joined_indexes(indexing.result(), rest))


def do_build(args) -> int:
    processes = process_count(args.processes)
    tree, ahead = read_source(args, processes)
    status = 0
    for index, language in enumerate(args.lang):
        path = args.catalogues / f'{language}.po'
        if index == 0 and ahead is not None:
            po, ahead = ahead, None
        else:
            po = read_catalogue(path) if path.exists() else None
        if po is None and language != SOURCE_LANGUAGE:
            print(f'warning: {path} does not exist; every text is missing.')
        try:
            result = build(tree, language, po, allow_incomplete=args.allow_incomplete,
                           static_dir=args.static_overrides / language, processes=processes)
        except IncompleteTranslation as error:
            for fallback in error.build.fallbacks:
                print(f'  {fallback.reason:8} {fallback.key}')
            print(f'error: {error}')
            status = 1
            continue
        output = archive_path(args, tree, language)
        po = None  # the catalogue is no longer needed: free it (and the source after the last language)
        if index == len(args.lang) - 1:
            tree = None
        if worth_sharing(result.tree, processes):
            # Our findings made in a forked child, the archive compressed in a thread (started after
            # the fork), while olxcleaner checks here.
            with ForkedCall(magix_findings, result.tree) as ours, ArchiveWriter(result.tree, output) as writer:
                findings = check_errors(result, ours=ours)
                if not findings:
                    writer.commit()
        else:
            findings = check_errors(result)
            if not findings:
                write_archive(result.tree, output)
        for finding in findings:
            print(finding)
        if findings:
            print(f'error: the {language} course has {len(findings)} errors; no archive written.')
            status = 1
            continue
        print(f'{output}: {language}, {result.translated} units translated, '
              f'{len(result.fallbacks)} fell back to English, checks passed')
        for fallback in result.fallbacks:
            print(f'  {fallback.reason:8} {fallback.key}')
        for name in result.transcripts + result.assets:
            print(f'  {language} file  {name}')
    return status


def check_errors(result, ours=None) -> list:
    return [finding for finding in check_tree(result.tree, parsed=result.parsed(), ours=ours)
            if finding.level == ERROR]


def limits(args) -> Limits:
    """The archive limits: the options, else the environment, else the defaults."""
    return Limits.from_environment(
        max_files=args.max_files,
        max_total_bytes=None if args.max_mb is None else args.max_mb * MB,
        max_file_bytes=None if args.max_file_mb is None else args.max_file_mb * MB)


def do_check(args) -> int:
    findings = check_archive(args.archive, args.allow_xblock, limits(args), process_count(args.processes))
    for finding in findings:
        print(finding)
    errors = sum(1 for finding in findings if finding.level == ERROR)
    print(f'{args.archive}: {errors} errors, {len(findings) - errors} warnings and notes')
    return 1 if errors else 0
