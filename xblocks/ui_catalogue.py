"""The UI-string catalogue: extract, merge, compile and count, for ``magix ui-strings``.

One catalogue covers what learners, course teams and instructors read outside the course
content: the XBlocks and the pages of our host (workbench demo and LTI tool, ``lti_tools``).
Sources are the Python modules (``_``, ``N_``, ``gettext``, ``ngettext`` calls...) and the
Django templates (``{% trans %}`` and ``{% blocktrans %}``, read through Django's own
``templatize``, exactly what ``makemessages`` does). JavaScript receives its strings from the
server, so it holds none. The ``.po`` sources live in ``translations/xblocks/<locale>.po``; the
compiled ``text.mo`` goes where edx-platform's XBlock i18n service looks for it:
``<root package>/translations/<locale>/LC_MESSAGES/text.mo``, the root package being the first
component of the module of each block class (``xblocks``; see ``xblocks.i18n``); the host's pages
read the same catalogue compiled as ``lti_tools/locale/<locale>/LC_MESSAGES/django.mo``.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import polib

from .i18n import BLOCK_MODULES, TEXT_DOMAIN, root_package

REPO = Path(__file__).resolve().parent.parent
XBLOCKS = REPO / 'xblocks'
HOST = REPO / 'lti_tools'
HOST_LOCALE = HOST / 'locale'
CATALOGUE_DIR = REPO / 'translations' / 'xblocks'
TEMPLATE = CATALOGUE_DIR / 'text.pot'
DOMAIN = TEXT_DOMAIN
KEYWORDS = {'_': None, 'N_': None, 'gettext': None, 'gettext_lazy': None, 'gettext_noop': None,
            'ngettext': (1, 2), 'ngettext_lazy': (1, 2),
            'pgettext': ((1, 'c'), 2), 'pgettext_lazy': ((1, 'c'), 2), 'npgettext': ((1, 'c'), 2, 3)}
HEADER = {
    'Project-Id-Version': 'magix-openedx',
    'Report-Msgid-Bugs-To': '',
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Transfer-Encoding': '8bit',
}

# The 24 official languages of the EU, as gettext locale names (English is the source).
EU_LOCALES = ('bg', 'cs', 'da', 'de', 'el', 'es', 'et', 'fi', 'fr', 'ga', 'hr', 'hu', 'it', 'lt',
              'lv', 'mt', 'nl', 'pl', 'pt', 'ro', 'sk', 'sl', 'sv')


def block_catalogue_dirs() -> list[Path]:
    """``<root package>/translations`` of every block class: where Open edX reads our catalogues."""
    roots = sorted({root_package(module) for module in BLOCK_MODULES})
    return [REPO / root / 'translations' for root in roots]


def source_files() -> list[Path]:
    """Python modules and templates whose strings the blocks and the host pages show."""
    files = []
    for root in (XBLOCKS, HOST):
        files += [path for path in root.rglob('*.py')
                  if path.name != 'ui_catalogue.py' and 'migrations' not in path.parts]
        files += [path for path in root.rglob('*.html') if 'templates' in path.parts]
    return sorted(files)


def _python_messages(code: str):
    """``(line, singular, plural, context)`` for each marked string (Babel's Python extractor)."""
    from babel.messages.extract import extract
    for line, message, _comments, context in extract('python', io.BytesIO(code.encode('utf-8')),
                                                     KEYWORDS, options={'encoding': 'utf-8'}):
        singular, plural = (message, None) if isinstance(message, str) else message[:2]
        yield line, singular, plural, context


def extract() -> polib.POFile:
    """A fresh template from every source file, entries in source order, references kept."""
    from django.utils.translation.template import templatize

    template = polib.POFile(wrapwidth=100)
    template.metadata = dict(HEADER)
    found: dict[tuple, polib.POEntry] = {}
    for path in source_files():
        text = path.read_text(encoding='utf-8')
        code = templatize(text) if path.suffix == '.html' else text
        for line, singular, plural, context in _python_messages(code):
            if not singular:
                continue
            reference = (str(path.relative_to(REPO)), str(line))
            key = (context, singular)
            entry = found.get(key)
            if entry is None:
                entry = polib.POEntry(msgid=singular, msgctxt=context, msgstr='',
                                      msgid_plural=plural or '', occurrences=[])
                if plural:
                    entry.msgstr_plural = {0: '', 1: ''}
                if '%(' in singular or '%s' in singular:
                    entry.flags.append('python-format')
                elif '{' in singular:
                    entry.flags.append('python-brace-format')
                found[key] = entry
                template.append(entry)
            entry.occurrences.append(reference)
    return template


def write_template(template: polib.POFile) -> Path:
    CATALOGUE_DIR.mkdir(parents=True, exist_ok=True)
    template.save(str(TEMPLATE))
    return TEMPLATE


def catalogue_path(locale: str) -> Path:
    return CATALOGUE_DIR / f'{locale}.po'


def languages() -> list[str]:
    return sorted(path.stem for path in CATALOGUE_DIR.glob('*.po'))


def update(locale: str, template: polib.POFile) -> polib.POFile:
    """Merge the template into one language: new strings added, gone ones made obsolete.

    polib's merge keeps translations of unchanged strings; a string whose English changed is a
    new msgid, so its old translation becomes obsolete and translators see it in the file.
    """
    path = catalogue_path(locale)
    if path.exists():
        catalogue = polib.pofile(str(path), wrapwidth=100)
    else:
        catalogue = polib.POFile(wrapwidth=100)
        catalogue.metadata = {**HEADER, 'Language': locale}
    catalogue.merge(template)
    catalogue.save(str(path))
    return catalogue


def compiled_paths(locale: str) -> list[Path]:
    """Where one language's compiled catalogue goes: each blocks' root package, and the host."""
    targets = [folder / locale / 'LC_MESSAGES' / f'{DOMAIN}.mo' for folder in block_catalogue_dirs()]
    return targets + [HOST_LOCALE / locale / 'LC_MESSAGES' / 'django.mo']


def compile_all() -> list[Path]:
    """Compile every language to every place that loads it (Open edX, our host)."""
    written = []
    for locale in languages():
        catalogue = polib.pofile(str(catalogue_path(locale)))
        for target in compiled_paths(locale):
            target.parent.mkdir(parents=True, exist_ok=True)
            catalogue.save_as_mofile(str(target))
            written.append(target)
    return written


@dataclass
class Coverage:
    locale: str
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def percent(self) -> float:
        total = self.translated + self.fuzzy + self.untranslated
        return 100.0 * self.translated / total if total else 100.0


def coverage(locale: str) -> Coverage:
    catalogue = polib.pofile(str(catalogue_path(locale)))
    return Coverage(locale, len(catalogue.translated_entries()), len(catalogue.fuzzy_entries()),
                    len(catalogue.untranslated_entries()))


# --- ``magix ui-strings``: the command-line shell ----------------------------------------------

def add_arguments(parser):
    actions = parser.add_subparsers(dest='action', metavar='ACTION', required=True)
    actions.add_parser('extract', help='Write translations/xblocks/text.pot from the blocks\' sources.')
    update_parser = actions.add_parser('update', help='Merge the template into every language (or --lang).')
    update_parser.add_argument('--lang', action='append', help='a locale to create or update (repeatable)')
    actions.add_parser('compile', help='Compile every language into xblocks/translations/ and the host.')
    status = actions.add_parser('status', help='Translated, fuzzy and untranslated strings per language.')
    status.add_argument('--min', type=float, default=None, metavar='PERCENT',
                        help='exit non-zero when a language is below PERCENT translated')
    status.add_argument('--lang', action='append', help='only these locales')


def run(args):
    if args.action == 'extract':
        print(f'{write_template(extract())}: {len(polib.pofile(str(TEMPLATE)))} strings')
    elif args.action == 'update':
        template = polib.pofile(str(TEMPLATE))
        for locale in args.lang or languages():
            catalogue = update(locale, template)
            print(f'{locale}: {catalogue.percent_translated()}% translated')
    elif args.action == 'compile':
        written = compile_all()
        print(f'{len(written)} catalogues compiled into {", ".join(map(str, block_catalogue_dirs()))} and the host')
    else:
        failing = []
        print(f'{"language":<10}{"translated":>11}{"fuzzy":>7}{"untranslated":>14}{"%":>8}')
        for locale in args.lang or languages():
            row = coverage(locale)
            print(f'{locale:<10}{row.translated:>11}{row.fuzzy:>7}{row.untranslated:>14}{row.percent:>8.1f}')
            if args.min is not None and row.percent < args.min:
                failing.append(locale)
        if failing:
            print(f'Below {args.min:g}%: {", ".join(failing)}')
            return 1
    return 0
