"""The LTI tool serves the scenario text in the launch's language when the course catalogue has it.

Real pieces: the shipped scenario files and ``translations/course/fr.po`` (the French edition),
built by the course tools; the harness platform signs real id_tokens.
"""
import html
import re

import polib
import pytest

from course_export import catalogue as course_catalogue
from lti_tools.tool import catalogue

from .conftest import choose, page_text


@pytest.fixture
def shipped(tool, settings):
    settings.LTI_CONTENT_DIR = ''
    catalogue.clear_cache()
    yield tool
    catalogue.clear_cache()


def french(key):
    po = polib.pofile(str(course_catalogue.CATALOGUE_DIR / 'fr.po'))
    entry = next(entry for entry in po if entry.msgctxt == key)
    return entry.msgid, entry.msgstr


def visible(text):
    return html.unescape(re.sub(r'<[^>]+>', '', text))


def test_a_french_launch_shows_the_french_scenario_and_keeps_the_learners_state(shipped):
    target = 'http://testserver/lti/launch/eligibility/'
    english_title, french_title = french('magix_scenario/eligibility@display_name')
    first_step = next(entry for entry in polib.pofile(str(course_catalogue.CATALOGUE_DIR / 'fr.po'))
                      if entry.msgctxt.startswith('magix_scenario/eligibility@introduction'))
    response = shipped.launch(target=target, locale='fr-FR', sub='learner-fr')
    page = page_text(response)
    assert '<html lang="fr">' in page
    assert french_title in page and visible(first_step.msgstr) in visible(page)
    assert visible(first_step.msgid) not in visible(page)
    option = re.search(r'name="[^"]+-option" id="[^"]+" value="([^"]+)"', page)[1]
    answer = choose(shipped.client, response, option)
    assert visible(first_step.msgid) not in visible(answer['html'])
    # The same learner launching in English continues the same attempt, in English.
    english = page_text(shipped.launch(target=target, locale='en-GB', sub='learner-fr'))
    assert english_title in english and french_title not in english


def test_a_language_without_a_complete_catalogue_gets_the_english_scenario(shipped):
    exercise = catalogue.exercises()['eligibility']
    assert catalogue.localized_xml(exercise, 'de') is None
    assert catalogue.localized_xml(exercise, 'fr-CA') is not None
    page = page_text(shipped.launch(target='http://testserver/lti/launch/eligibility/', locale='de-DE', sub='learner-de'))
    assert '<html lang="de">' in page and exercise.title in page
