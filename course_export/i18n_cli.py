"""``magix i18n``: the course-content translation round trip (extract, update, status, XLIFF)."""
from __future__ import annotations

import sys
from pathlib import Path

from . import catalogue, qa, tmx, xliff
from .cli_options import add_catalogue_argument, add_source_arguments, fail, source_tree
from .olx import CourseError
from .parallel import MAX_PROCESSES, MIN_PARALLEL_FILES, PROCESSES_VARIABLE, extract_template, process_count
from .units import source_translations


def add_arguments(parser) -> None:
    actions = parser.add_subparsers(dest='action', metavar='ACTION', required=True)
    sub = actions.add_parser('extract', help='write course.pot from the course source')
    add_source_arguments(sub)
    sub.add_argument('--processes', type=int, metavar='N',
                     help=f'processes sharing the work on a large course (from {MIN_PARALLEL_FILES:,} files; '
                          f'the same course.pot) (default ${PROCESSES_VARIABLE}, else the CPUs available, '
                          f'at most {MAX_PROCESSES}; 1: one process)')
    sub = actions.add_parser('update', help='merge course.pot into every <lang>.po (fuzzy, obsolete)')
    add_source_arguments(sub)
    sub.add_argument('--lang', action='append', default=[], help='also create <lang>.po if it does not exist')
    sub = actions.add_parser('status', help='translated, fuzzy and untranslated units and words per language')
    add_catalogue_argument(sub)
    sub.add_argument('--lang', action='append', default=[], help='only these languages')
    sub.add_argument('--min', type=float, default=None, metavar='PERCENT',
                     help='exit with status 1 if a language has fewer translated units than this')
    sub = actions.add_parser('export-xliff', help='write one language as XLIFF 1.2')
    add_catalogue_argument(sub)
    sub.add_argument('--lang', required=True)
    sub.add_argument('--output', type=Path, required=True)
    sub = actions.add_parser('check', help='QA of one language: markup, placeholders, URLs, numbers, glossary')
    add_catalogue_argument(sub)
    sub.add_argument('--lang', required=True)
    sub.add_argument('--glossary', type=Path, help='CSV or TBX glossary (default: <catalogues>/glossary/<lang>.csv)')
    sub.add_argument('--warnings', action='store_true', help='list warnings too (they never fail the check)')
    sub = actions.add_parser('export-tmx', help='write the translated units of one language as TMX 1.4')
    add_catalogue_argument(sub)
    sub.add_argument('--lang', required=True)
    sub.add_argument('--output', type=Path, required=True)
    sub = actions.add_parser('fill-from-tmx', help='pre-fill new or changed units of <lang>.po from a TMX')
    add_catalogue_argument(sub)
    sub.add_argument('--lang', required=True)
    sub.add_argument('--min-match', type=int, default=tmx.FUZZY_THRESHOLD, metavar='PERCENT',
                     help=f'lowest similarity offered as a fuzzy match (default {tmx.FUZZY_THRESHOLD})')
    sub.add_argument('file', type=Path)
    sub = actions.add_parser('import-xliff', help='read translations from an XLIFF 1.2 file into <lang>.po')
    add_catalogue_argument(sub)
    sub.add_argument('--lang', help='refuse the file unless it is for this language')
    sub.add_argument('file', type=Path)


def run(args) -> int:
    try:
        return ACTIONS[args.action](args)
    except (CourseError, ValueError, OSError) as error:
        return fail(str(error))


def template_path(args) -> Path:
    return args.catalogues / catalogue.TEMPLATE_NAME


def load_template(args):
    path = template_path(args)
    if not path.is_file():
        raise CourseError(f'{path} does not exist: run "magix i18n extract" first.')
    return catalogue.load(path)


def do_extract(args) -> int:
    processes = process_count(args.processes)
    path, units, words = extract_template(source_tree(args, strict=False), template_path(args), processes)
    print(f'{path}: {units} units, {words} words')
    return 0


def do_update(args) -> int:
    pot = load_template(args)
    files = catalogue.language_catalogues(args.catalogues)
    for language in args.lang:
        files.setdefault(language, args.catalogues / f'{language}.po')
    if not files:
        print(f'No <lang>.po in {args.catalogues}; use --lang to start one.')
    tree = source_tree(args, strict=False) if files else {}
    for language, path in sorted(files.items()):
        po = catalogue.load(path) if path.exists() else catalogue.new_catalogue(language)
        merged = catalogue.merge(pot, po)
        filled = catalogue.fill(merged, source_translations(tree, language))
        if filled:
            print(f'{path}: {filled} entries filled from texts the source already has in {language}')
        catalogue.save(merged, path)
        result = catalogue.status(pot, merged, language)
        obsolete = sum(1 for entry in merged if entry.obsolete)
        print(f'{path}: {result.units[catalogue.TRANSLATED]} translated, {result.units[catalogue.FUZZY]} fuzzy, '
              f'{result.units[catalogue.UNTRANSLATED]} untranslated, {obsolete} obsolete')
    return 0


def do_status(args) -> int:
    pot = load_template(args)
    files = catalogue.language_catalogues(args.catalogues)
    languages = args.lang or sorted(files)
    print(f'{"language":10} {"translated":>16} {"fuzzy":>14} {"untranslated":>16} {"done":>7}')
    print(f'{"":10} {"units / words":>16} {"units / words":>14} {"units / words":>16}')
    below = []
    for language in languages:
        po = catalogue.load(files[language]) if language in files else catalogue.new_catalogue(language)
        result = catalogue.status(pot, po, language)
        cells = [f'{result.units[kind]} / {result.words[kind]}'
                 for kind in (catalogue.TRANSLATED, catalogue.FUZZY, catalogue.UNTRANSLATED)]
        print(f'{language:10} {cells[0]:>16} {cells[1]:>14} {cells[2]:>16} {result.percent:6.1f}%')
        if args.min is not None and result.percent < args.min:
            below.append(f'{language} ({result.percent:.1f}%)')
    if below:
        print(f'Below {args.min:g}%: {", ".join(below)}')
        return 1
    return 0


def do_export_xliff(args) -> int:
    pot = load_template(args)
    path = args.catalogues / f'{args.lang}.po'
    po = catalogue.merge(pot, catalogue.load(path) if path.exists() else catalogue.new_catalogue(args.lang))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(xliff.export(po, args.lang))
    print(f'{args.output}: {sum(1 for entry in po if not entry.obsolete)} units for {args.lang}')
    return 0


def do_import_xliff(args) -> int:
    pot = load_template(args)

    def po_for(language):
        path = args.catalogues / f'{language}.po'
        return catalogue.merge(pot, catalogue.load(path) if path.exists() else catalogue.new_catalogue(language))

    po, report = xliff.import_file(args.file, po_for, args.lang)
    if report.errors:
        for key, message in report.errors:
            print(f'  {key or args.file}: {message}', file=sys.stderr)
        return fail(f'{args.file}: {len(report.errors)} unit(s) cannot be imported; nothing was written.')
    catalogue.save(po, args.catalogues / f'{report.language}.po')
    print(f'{report.language}: {report.updated} updated, {report.unchanged} unchanged, '
          f'{len(report.outdated)} skipped (English changed since the export)')
    for key in report.outdated:
        print(f'  outdated: {key}')
    return 0


def language_catalogue(args, language):
    """``<lang>.po`` brought up to date with the template (a new language starts empty)."""
    path = args.catalogues / f'{language}.po'
    return catalogue.merge(load_template(args), catalogue.load(path) if path.exists()
                           else catalogue.new_catalogue(language))


def do_check(args) -> int:
    glossary = args.glossary or args.catalogues / 'glossary' / f'{args.lang}.csv'
    terms = qa.load_glossary(glossary)
    findings = qa.check_catalogue(language_catalogue(args, args.lang), terms)
    errors = [finding for finding in findings if finding.severity == qa.ERROR]
    warnings = [finding for finding in findings if finding.severity == qa.WARNING]
    for finding in errors + (warnings if args.warnings else []):
        print(finding)
    print(f'{args.lang}: {len(errors)} errors, {len(warnings)} warnings '
          f'({len(terms)} glossary terms from {glossary if terms else "no glossary"})')
    return 1 if errors else 0


def do_export_tmx(args) -> int:
    po = language_catalogue(args, args.lang)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    data = tmx.export(po, args.lang)
    args.output.write_bytes(data)
    print(f'{args.output}: {data.count(b"<tu ")} translation units en -> {args.lang}')
    return 0


def do_fill_from_tmx(args) -> int:
    memory = tmx.read(args.file.read_bytes(), args.lang)
    po = language_catalogue(args, args.lang)
    report = tmx.prefill(po, memory, args.min_match)
    catalogue.save(po, args.catalogues / f'{args.lang}.po')
    print(f'{args.lang}: {len(report.exact)} exact matches filled, {len(report.fuzzy)} fuzzy matches '
          f'filled and marked fuzzy for review ({len(memory.segments)} segments in {args.file})')
    for key, score, _ in report.fuzzy:
        print(f'  fuzzy {score}%: {key}')
    return 0


ACTIONS = {'check': do_check, 'export-tmx': do_export_tmx, 'fill-from-tmx': do_fill_from_tmx,
           'extract': do_extract, 'update': do_update, 'status': do_status,
           'export-xliff': do_export_xliff, 'import-xliff': do_import_xliff}
