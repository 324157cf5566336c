"""The exercises we offer over LTI: the scenario files shipped with the scenario XBlock.

A file ``NN-some-name.xml`` holds one ``<magix_scenario>`` element; its slug (``some-name``)
names the exercise in launch URLs and deep links. ``settings.LTI_CONTENT_DIR`` points
elsewhere (tests use it), otherwise the scenario package's ``content/`` folder is read.
Titles shown to instructors come in their language from the course content catalogues
(``translations/course/<lang>.po``, key ``magix_scenario/<slug>@display_name``) when translated;
learners get the whole scenario in the launch's language when that catalogue translates all of
it (``localized_xml``: the course tools' build, the same as ``magix course build``).
"""
from __future__ import annotations

import functools
import importlib.resources
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from course_export import catalogue as course_catalogue
from course_export.build import IncompleteTranslation, build
from course_export.olx import CourseError

from xblocks.scenario.olx import parse_xml_text
from xblocks.scenario.problems import ScenarioError

log = logging.getLogger(__name__)
FILE_NAME = re.compile(r'^(?:\d+-)?(?P<slug>[a-z0-9][a-z0-9-]*)\.xml$')


@dataclass(frozen=True)
class Exercise:
    slug: str
    title: str
    scoring_mode: str
    xml: str

    @property
    def graded(self) -> bool:
        return self.scoring_mode != 'practice'


def content_dir() -> Path:
    configured = getattr(settings, 'LTI_CONTENT_DIR', None)
    if configured:
        return Path(configured)
    return Path(str(importlib.resources.files('xblocks.scenario').joinpath('content')))


def exercises() -> dict[str, Exercise]:
    """Every readable exercise by slug, in file order (unreadable files are left out and logged)."""
    return _read(str(content_dir()))


@functools.lru_cache(maxsize=8)
def _read(directory: str) -> dict[str, Exercise]:
    found = {}
    for path in sorted(Path(directory).glob('*.xml')):
        match = FILE_NAME.match(path.name)
        if not match:
            continue
        xml = path.read_text(encoding='utf-8')
        try:
            root = parse_xml_text(xml)
        except ScenarioError:
            log.warning('scenario file %s cannot be read; not offered over LTI', path)
            continue
        found[match['slug']] = Exercise(slug=match['slug'], title=root.get('display_name') or match['slug'],
                                        scoring_mode=root.get('scoring_mode') or 'path', xml=xml)
    return found


def clear_cache():
    _read.cache_clear()
    _titles.cache_clear()
    _localized.cache_clear()


def localized_title(exercise: Exercise, language: str) -> str:
    """The exercise title in ``language`` when a current, reviewed translation exists."""
    folder = getattr(settings, 'LTI_COURSE_TRANSLATIONS_DIR', None) or str(course_catalogue.CATALOGUE_DIR)
    found = _titles(folder, language.split('-')[0]).get(f'magix_scenario/{exercise.slug}@display_name')
    if found is None or found.fuzzy or not found.text or found.source != exercise.title:
        return exercise.title
    return found.text


@functools.lru_cache(maxsize=32)
def _titles(folder: str, language: str) -> dict:
    path = course_catalogue.language_catalogues(Path(folder)).get(language)
    if path is None:
        return {}
    try:
        return course_catalogue.translations(course_catalogue.load(path))
    except ValueError as error:
        log.warning('course catalogue %s not read: %s', path, error)
        return {}


def localized_xml(exercise: Exercise, language: str) -> str | None:
    """The exercise file in ``language``, or None (English, or no complete translation of this scenario)."""
    language = (language or '').replace('_', '-').split('-')[0].lower()
    if not language or language == 'en':
        return None
    folder = getattr(settings, 'LTI_COURSE_TRANSLATIONS_DIR', None) or str(course_catalogue.CATALOGUE_DIR)
    return _localized(folder, exercise.slug, exercise.xml, language)


@functools.lru_cache(maxsize=64)
def _localized(folder: str, slug: str, xml: str, language: str) -> str | None:
    path = course_catalogue.language_catalogues(Path(folder)).get(language)
    if path is None:
        return None
    target = f'magix_scenario/{slug}.xml'
    tree = {'course.xml': b'<course url_name="lti" org="MAGIX" course="LTI"/>\n', target: xml.encode('utf-8')}
    try:
        return build(tree, language, course_catalogue.load(path)).tree[target].decode('utf-8')
    except IncompleteTranslation:
        log.info('scenario %s is not completely translated into %s: served in English', slug, language)
    except (ValueError, CourseError) as error:
        log.warning('scenario %s cannot be translated into %s: %s', slug, language, error)
    return None
