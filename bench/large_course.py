"""A large course as OLX, in the form Studio exports: the input of the course-tool benchmarks.

The default shape is 10 sections x 10 subsections x 20 units x 4 components: 10,111 blocks
(course, sections, subsections, units, then HTML pages, CAPA problems with choice hints and
demand hints, one of our scenarios per subsection and the credential-progress block with a
pathway of about 200 requirements in the last unit). Texts differ from block to block (numbers
in them) so nothing is de-duplicated by accident; every file is what a course team would write.

Run: ``python -m bench.large_course OUTPUT_FOLDER [--sections 10 --subsections 10 --units 20]``.
"""
from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((REPO / 'xblocks' / 'scenario' / 'content').glob('*.xml'))
PATHWAY = REPO / 'xblocks' / 'credentials' / 'content' / 'aigov-pathway.xml'
ORG, COURSE, RUN = 'MAGIX', 'BENCH10K', '2026'
SHIPPED_COURSE = 'MAGIX+AIGOV101+2026'
STATIC_IMAGES = 10
# Block requirements added to each micro-credential of the pathway (the shipped one has 10).
EXTRA_REQUIREMENTS_PER_CREDENTIAL = 38


@dataclass(frozen=True)
class Shape:
    sections: int = 10
    subsections: int = 10
    units: int = 20

    @property
    def blocks(self) -> int:
        """course + sections + subsections + units + 4 components per unit."""
        units = self.sections * self.subsections * self.units
        return 1 + self.sections + self.sections * self.subsections + units + 4 * units


def html_body(number: int) -> str:
    image = number % STATIC_IMAGES
    return (f'<h3>Case {number}: a service that decides</h3>\n'
            f'<p>The regional office handles {1000 + number} claims a month. A supplier offers a model that ranks '
            f'them; caseworkers ask what the score means and who answers for a refusal (case {number}).</p>\n'
            f'<p>Read the <a href="/static/images/diagram-{image}.svg">review loop</a> before you decide. '
            'The GDPR (Article 22) and national administrative law both apply to an automated decision.</p>\n'
            '<ul>\n'
            f'  <li>Who signs decision {number}?</li>\n'
            '  <li>What can the claimant see and contest?</li>\n'
            '  <li>How often is the model checked for drift?</li>\n'
            '</ul>\n'
            f'<p><img src="/static/images/diagram-{image}.svg" alt="The review loop of case {number}"/></p>\n')


def problem_xml(number: int, url_name: str) -> str:
    return (f'<problem display_name="Check {number}" max_attempts="2" showanswer="finished" weight="1">\n'
            '  <multiplechoiceresponse>\n'
            f'    <label>Case {number}: the model flags {number % 97} claims as likely ineligible. '
            'What is the first thing the office should do?</label>\n'
            '    <choicegroup type="MultipleChoice">\n'
            f'      <choice correct="false">Refuse the {number % 97} claims.<choicehint>An automated refusal '
            'without human review breaks Article 22 GDPR.</choicehint></choice>\n'
            f'      <choice correct="true">Have a caseworker review each flagged claim (case {number}).'
            '<choicehint>Correct: a person decides, with the score as one input.</choicehint></choice>\n'
            '      <choice correct="false">Ask the supplier to lower the threshold.<choicehint>That changes '
            'the numbers, not who is accountable.</choicehint></choice>\n'
            '    </choicegroup>\n'
            '    <solution>\n'
            '      <div class="detailed-solution">\n'
            f'        <p>Human review keeps the decision lawful and explainable (case {number}).</p>\n'
            '      </div>\n'
            '    </solution>\n'
            '  </multiplechoiceresponse>\n'
            '  <demandhint>\n'
            f'    <hint>Who is accountable for decision {number}?</hint>\n'
            '    <hint>Think of Article 22 GDPR.</hint>\n'
            '  </demandhint>\n'
            '</problem>\n')


def scenario_xml(index: int) -> str:
    """One of the shipped scenarios, titled for its place in the course."""
    text = SCENARIOS[index % len(SCENARIOS)].read_text(encoding='utf-8')
    return re.sub(r'display_name="([^"]*)"', lambda m: f'display_name={quoteattr(f"{m.group(1)} ({index})")}',
                  text, count=1)


def pathway_xml(problem_names: list[str], scenario_names: list[str]) -> str:
    """The shipped pathway for this course, each micro-credential requiring more problems of it."""
    text = PATHWAY.read_text(encoding='utf-8').replace(SHIPPED_COURSE, f'{ORG}+{COURSE}+{RUN}')
    shipped, used = itertools.count(), set()

    def ours(match):  # the shipped requirements name the demo course's blocks: name this course's instead
        names = scenario_names if match.group(1) == 'magix_scenario' else problem_names[::-1]
        name = names[next(shipped) % len(names)]
        used.add(name)
        return f'type@{match.group(1)}+block@{name}'

    text = re.sub(r'type@(magix_scenario|problem)\+block@[a-z0-9-]+', ours, text)
    names = iter([name for name in problem_names if name not in used])

    def more(match):
        extra = ''.join(
            f'\n            <block usage="block-v1:{ORG}+{COURSE}+{RUN}+type@problem+block@{name}" min-score="0.5"/>'
            for name in (next(names, None) for _ in range(EXTRA_REQUIREMENTS_PER_CREDENTIAL)) if name)
        return extra + match.group(0)

    return re.sub(r'\n\s*</requirements>', more, text)


def write(folder: Path, shape: Shape = Shape()) -> Path:
    """Write the course under ``folder`` (emptied first); returns the folder."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    files: dict[str, str | bytes] = {}
    files['course.xml'] = f'<course url_name="{RUN}" org="{ORG}" course="{COURSE}"/>\n'
    chapters, problems, scenarios = [], [], []
    number = 0
    for section in range(shape.sections):
        chapter = f'section-{section}'
        chapters.append(chapter)
        sequentials = []
        for subsection in range(shape.subsections):
            sequential = f'{chapter}-sub-{subsection}'
            sequentials.append(sequential)
            verticals = []
            for unit in range(shape.units):
                vertical = f'{sequential}-unit-{unit}'
                verticals.append(vertical)
                children = []
                for part in range(4):
                    number += 1
                    name = f'{vertical}-{part}'
                    last_unit = section == shape.sections - 1 and subsection == shape.subsections - 1 \
                        and unit == shape.units - 1
                    if part == 3 and last_unit:
                        children.append(('magix_credential_progress', 'pathway'))
                    elif part == 3 and unit == 0:
                        scenarios.append(name)
                        files[f'magix_scenario/{name}.xml'] = scenario_xml(len(scenarios) - 1)
                        children.append(('magix_scenario', name))
                    elif part % 2 == 0:
                        files[f'html/{name}.xml'] = f'<html filename="{name}" display_name="Page {number}"/>\n'
                        files[f'html/{name}.html'] = html_body(number)
                        children.append(('html', name))
                    else:
                        problems.append(name)
                        files[f'problem/{name}.xml'] = problem_xml(number, name)
                        children.append(('problem', name))
                files[f'vertical/{vertical}.xml'] = (
                    f'<vertical display_name="Unit {section}.{subsection}.{unit}">\n'
                    + ''.join(f'  <{tag} url_name="{name}"/>\n' for tag, name in children) + '</vertical>\n')
            files[f'sequential/{sequential}.xml'] = (
                f'<sequential display_name="Subsection {section}.{subsection}" format="Knowledge check" '
                'graded="true">\n' + ''.join(f'  <vertical url_name="{name}"/>\n' for name in verticals)
                + '</sequential>\n')
        files[f'chapter/{chapter}.xml'] = (
            f'<chapter display_name="Module {section + 1}">\n'
            + ''.join(f'  <sequential url_name="{name}"/>\n' for name in sequentials) + '</chapter>\n')
    files[f'course/{RUN}.xml'] = ('<course>\n'
                                  + ''.join(f'  <chapter url_name="{name}"/>\n' for name in chapters) + '</course>\n')
    files['magix_credential_progress/pathway.xml'] = pathway_xml(problems[::max(1, len(problems) // 200)], scenarios)
    files['about/overview.html'] = '<section class="about"><h2>About this course</h2><p>Ten modules.</p></section>\n'
    files['about/short_description.html'] = 'AI and data governance, at the scale of a real programme.\n'
    files['info/updates.html'] = '<ol><li><h2>Welcome</h2><p>The course opens on 1 September.</p></li></ol>\n'
    files[f'policies/{RUN}/policy.json'] = json.dumps({f'course/{RUN}': {
        'display_name': 'AI and data governance at scale', 'language': 'en', 'start': '2026-09-01T00:00:00Z',
        'end': '2027-08-31T23:59:00Z', 'course_image': 'images/course-card.png',
        'advanced_modules': ['magix_scenario', 'magix_credential_progress'],
        'tabs': [{'course_staff_only': False, 'name': 'Course', 'type': 'courseware'},
                 {'course_staff_only': False, 'name': 'Progress', 'type': 'progress'}]}}, indent=4) + '\n'
    files[f'policies/{RUN}/grading_policy.json'] = json.dumps({
        'GRADER': [{'drop_count': 0, 'min_count': 1, 'short_label': 'KC', 'type': 'Knowledge check',
                    'weight': 1.0}], 'GRADE_CUTOFFS': {'Pass': 0.7}}, indent=4) + '\n'
    files['policies/assets.json'] = '{}\n'
    files['static/images/course-card.png'] = (REPO / 'course_export' / 'demo_course' / 'static' / 'images'
                                              / 'course-card.png').read_bytes()
    for image in range(STATIC_IMAGES):
        files[f'static/images/diagram-{image}.svg'] = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" role="img">'
            f'<title>{escape(f"Review loop {image}")}</title><rect width="40" height="20"/></svg>\n')
    for path, text in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode('utf-8'))
    return folder


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog='python -m bench.large_course', description=__doc__.splitlines()[0])
    parser.add_argument('output', type=Path)
    parser.add_argument('--sections', type=int, default=Shape.sections)
    parser.add_argument('--subsections', type=int, default=Shape.subsections)
    parser.add_argument('--units', type=int, default=Shape.units)
    args = parser.parse_args(argv)
    shape = Shape(args.sections, args.subsections, args.units)
    write(args.output, shape)
    print(f'{args.output}: {shape.blocks:,} blocks')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
