"""Fixtures: the demo course assembled with small scenarios of our own (independent of the content
being written in xblocks/scenario/content), catalogues in tmp_path, a complete pseudo-translation."""
from __future__ import annotations

import polib
import pytest

from course_export import catalogue, olx
from course_export.units import extract

SCENARIO = '''<magix_scenario display_name="Case {slug}" scoring_mode="path">
  <scenario start="first">
    <introduction>
      <p>The {slug} office has a <strong>problem</strong>.</p>
      <p>Second paragraph of the introduction.</p>
    </introduction>
    <image src="/static/images/review-loop.svg" alt="A review loop"/>
    <role>You lead the office.</role>
    <dimensions>
      <dimension id="legality">Legality</dimension>
    </dimensions>
    <step id="first" title="First step">
      <situation><p>Something happens &amp; you must act.</p></situation>
      <question>What do you do?</question>
      <reflection>What would you do in your office?</reflection>
      <option id="good" next="end-good">
        <text>Do the right thing</text>
        <consequence><p>It works.</p></consequence>
        <feedback><p>Well done.</p></feedback>
        <effect dimension="legality" points="2"/>
      </option>
      <option id="bad" next="end-bad">
        <text>Cut corners</text>
        <consequence><p>It fails.</p><p>People complain.</p></consequence>
        <feedback><p>Risky.</p></feedback>
        <effect dimension="legality" points="-1"/>
      </option>
    </step>
    <ending id="end-good" title="Good ending"><debrief><p>Good.</p></debrief></ending>
    <ending id="end-bad" title="Bad ending"><debrief><p>Bad.</p></debrief></ending>
  </scenario>
</magix_scenario>
'''
SLUGS = ('eligibility', 'data-sharing', 'chatbot-procurement', 'genai-communications', 'pilot-to-production')


@pytest.fixture
def scenario_dir(tmp_path):
    folder = tmp_path / 'scenarios'
    folder.mkdir()
    for number, slug in enumerate(SLUGS, 1):
        (folder / f'{number:02d}-{slug}.xml').write_text(SCENARIO.format(slug=slug), encoding='utf-8')
    return folder


@pytest.fixture
def course_tree(scenario_dir):
    return olx.assemble(olx.DEMO_COURSE, scenario_dir, olx.PATHWAY_CONTENT)


@pytest.fixture
def source_args(scenario_dir, tmp_path):
    """Command-line options pointing at the demo course, our scenarios and a fresh catalogue folder."""
    folder = tmp_path / 'catalogues'
    folder.mkdir(exist_ok=True)
    return ['--source', str(olx.DEMO_COURSE), '--scenarios', str(scenario_dir),
            '--pathways', str(olx.PATHWAY_CONTENT), '--catalogues', str(folder)]


def pseudo_french(text: str) -> str:
    """A recognisable 'translation' that keeps markup valid: « FR » in front of the English."""
    return f'« FR » {text}'


def translated_catalogue(units, language='fr') -> polib.POFile:
    po = catalogue.merge(catalogue.template(units), catalogue.new_catalogue(language))
    for entry in po:
        entry.msgstr = pseudo_french(entry.msgid)
    return po


@pytest.fixture
def units(course_tree):
    return extract(course_tree)


@pytest.fixture
def french(units):
    return translated_catalogue(units)
