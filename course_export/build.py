"""Building the course for one language: translations in, same ``url_name``s, one importable archive.

The build walks the same slots as the extractor (``units.documents``) and writes a translation
into a slot only when the catalogue has it for the current English text and not fuzzy. Anything
else falls back to the English and is reported; the build refuses to finish with fallbacks
unless ``allow_incomplete``. A file is rewritten only if a translation went into it, so a build
with an empty catalogue is the source, byte for byte (the policy's ``language`` aside).

Per language, the build also:
- sets ``language`` in ``policies/<run>/policy.json``;
- writes translated transcripts as ``static/<name>-<lang>.srt`` next to the English ones and
  lists them in the video blocks (``transcripts`` and ``<transcript>``);
- replaces or adds static files from ``translations/course/static/<lang>/`` (localised images,
  a subtitler's own transcript), so references in the course stay the same.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import polib
from lxml import etree

from . import catalogue
from .olx import CourseError, CourseTree, ParsedXml, course_run, json_bytes, load_json, parse_xml, xml_bytes
from .parallel import shared_documents, worth_sharing
from .slots import SjsonDocument, SrtDocument
from .units import SOURCE_LANGUAGE, iter_documents, video_transcripts

MISSING, FUZZY, OUTDATED = 'missing', 'fuzzy', 'outdated'
STATIC_OVERRIDES = catalogue.CATALOGUE_DIR / 'static'


@dataclass(frozen=True)
class Fallback:
    """A unit left in English, and why (no translation, fuzzy, or translating older English)."""
    key: str
    path: str
    reason: str


@dataclass
class Build:
    language: str
    tree: CourseTree
    translated: int = 0
    fallbacks: list[Fallback] = field(default_factory=list)
    transcripts: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)

    def parsed(self) -> ParsedXml:
        """The built tree's XML, parsed when the check asks for it.

        The build keeps no parsed file: holding every root of a large course until the check
        costs far more memory (the catalogue is held too) than parsing again costs time.
        """
        return ParsedXml(self.tree)


class IncompleteTranslation(CourseError):
    """The catalogue does not translate everything and fallbacks were not allowed."""

    def __init__(self, build: Build):
        self.build = build
        counts = {}
        for fallback in build.fallbacks:
            counts[fallback.reason] = counts.get(fallback.reason, 0) + 1
        summary = ', '.join(f'{count} {reason}' for reason, count in sorted(counts.items()))
        super().__init__(f'The {build.language} catalogue is incomplete ({summary}); translate them, '
                         'or build with --allow-incomplete to fall back to the English.')


def language_transcript(name: str, language: str) -> str:
    """``intro-en.srt`` -> ``intro-fr.srt``; ``intro.srt`` -> ``intro-fr.srt``; ``subs_x.srt.sjson`` -> ``subs_x-fr.sjson``."""
    suffix = '.sjson' if name.endswith('.sjson') else '.srt'
    stem = name[:-len(suffix)]
    stem = stem[:-len('.srt')] if stem.endswith('.srt') else stem
    if stem.endswith(f'-{SOURCE_LANGUAGE}'):
        stem = stem[:-len(SOURCE_LANGUAGE) - 1]
    return f'{stem}-{language}{suffix}'


def build(source: CourseTree, language: str, po: polib.POFile | Mapping | None, allow_incomplete: bool = False,
          static_dir: Path | None = None, processes: int = 1) -> Build:
    """The course in ``language`` (a new tree; ``source`` is not changed).

    ``po``: the language's catalogue, or what ``catalogue.read_translations`` read of it.
    ``processes``: on a large course, forked processes each translate every n-th file of the walk
    (``parallel.shared_documents``); the parent takes their files in reading order, so the tree,
    the fallbacks and the errors are those of one process.
    """
    found = po if isinstance(po, Mapping) else catalogue.translations(po)
    result = Build(language, dict(source))
    errors = []

    def translate(document) -> Translated:
        return translate_document(document, found, language)

    if worth_sharing(source, processes):
        translated = shared_documents(source, processes, translate, language)
    else:
        translated = map(translate, iter_documents(source, language))
    for outcome in translated:
        result.translated += outcome.translated
        result.fallbacks += outcome.fallbacks
        errors += outcome.errors
        if outcome.data is not None:
            result.tree[outcome.path] = outcome.data
            if outcome.transcript:
                result.transcripts.append(outcome.path)
    if errors:
        raise CourseError('Some translations cannot be used:\n' + '\n'.join(f'  {error}' for error in errors))
    if language != SOURCE_LANGUAGE:
        set_course_language(result.tree, language)
    if static_dir is not None:
        result.assets = add_static(result.tree, Path(static_dir))
    link_transcripts(result.tree, language)
    if result.fallbacks and not allow_incomplete:
        raise IncompleteTranslation(result)
    return result


class Translated(NamedTuple):
    """One file translated: where its bytes go (``data`` ``None``: left as it is), and what happened."""
    path: str
    data: bytes | None
    transcript: bool
    translated: int
    fallbacks: list
    errors: list


def translate_document(document, found: dict, language: str) -> Translated:
    """The catalogue's translations written into one document's slots, and the document's new bytes.

    Plain data (it may come back from another process): the file is rewritten only if a
    translation went into it; a transcript is written beside the English one.
    """
    fallbacks, errors, count = [], [], 0
    look_up = found.get
    for slot in document.slots:
        entry = look_up(slot.key)
        # fallback_reason(slot.english, entry), its usual answer first (the English as read before any write)
        if entry is not None and entry.text and entry.source == slot.english and not entry.fuzzy:
            try:
                slot.write(entry.text)
            except CourseError as error:
                errors.append(str(error))
                continue
            count += 1
            continue
        reason = fallback_reason(slot.english, entry)
        if reason == MISSING and language == SOURCE_LANGUAGE:
            continue  # the English is the text: nothing falls back
        fallbacks.append(Fallback(slot.key, document.path, reason))
    if not count:
        return Translated(document.path, None, False, 0, fallbacks, errors)
    if isinstance(document, (SrtDocument, SjsonDocument)):
        target = 'static/' + language_transcript(document.path[len('static/'):], language)
        return Translated(target, document.bytes(), True, count, fallbacks, errors)
    return Translated(document.path, document.bytes(), False, count, fallbacks, errors)


def fallback_reason(english: str, entry: catalogue.Translation | None) -> str | None:
    """Why a unit stays in English (``None``: the catalogue's translation can be used)."""
    if entry is None or not entry.text:
        return MISSING
    if entry.source != english:
        return OUTDATED
    if entry.fuzzy:
        return FUZZY
    return None


def set_course_language(tree: CourseTree, language: str) -> None:
    run, _ = course_run(tree)
    path = f'policies/{run}/policy.json'
    policy = load_json(tree[path], path) if path in tree else {}
    settings = policy.setdefault(f'course/{run}', {})
    if settings.get('language') != language:
        settings['language'] = language
        tree[path] = json_bytes(policy)


def add_static(tree: CourseTree, folder: Path) -> list[str]:
    """Copy ``folder/<path>`` over ``static/<path>`` (localised assets); returns what was copied."""
    copied = []
    if folder.is_dir():
        for path in sorted(folder.rglob('*')):
            if path.is_symlink():
                raise CourseError(f'{path} is a symbolic link; localised assets must be plain files.')
            if path.is_file():
                name = 'static/' + path.relative_to(folder).as_posix()
                tree[name] = path.read_bytes()
                copied.append(name)
    return copied


def link_transcripts(tree: CourseTree, language: str) -> None:
    """List ``static/<name>-<lang>.srt`` (built or provided) in the video blocks that have an English one."""
    for path in sorted(tree):
        if not (path.startswith('video/') and path.endswith('.xml')):
            continue
        root = parse_xml(tree[path], path)
        known = video_transcripts(root)
        english = known.get(SOURCE_LANGUAGE)
        if not english or language in known or language == SOURCE_LANGUAGE:
            continue
        name = language_transcript(english, language)
        if f'static/{name}' not in tree:
            continue
        if root.get('transcripts') is not None:
            listed = json.loads(root.get('transcripts') or '{}')
            listed[language] = name
            root.set('transcripts', json.dumps(listed))
        existing = root.findall('transcript')
        element = etree.Element('transcript', {'language': language, 'src': name})
        if existing:
            last = existing[-1]
            previous = last.getprevious()
            element.tail = last.tail
            last.tail = previous.tail if previous is not None else root.text
            last.addnext(element)
        else:
            root.append(element)
        tree[path] = xml_bytes(root)
