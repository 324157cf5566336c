"""Shared pathway fixtures for the credential tests: the shipped demo pathway and a small one."""
from __future__ import annotations

from pathlib import Path

from xblocks.credentials.pathway_xml import parse_pathway
from xblocks.credentials.progress import Result

PACKAGE = Path(__file__).resolve().parents[2] / 'xblocks' / 'credentials'
DEMO_XML = (PACKAGE / 'content' / 'aigov-pathway.xml').read_text(encoding='utf-8')
SPECS = Path(__file__).resolve().parents[2].parent / 'shared' / 'specs'
COURSE = 'course-v1:MAGIX+AIGOV101+2026'


def block_key(block_type: str, name: str, course: str = COURSE) -> str:
    return f'block-v1:{course[len("course-v1:"):]}+type@{block_type}+block@{name}'


def demo_pathway():
    return parse_pathway(DEMO_XML)


OTHER_COURSE = 'course-v1:MAGIX+AIGOV201+2026'


def large_pathway_xml(requirements: int = 200) -> str:
    """A pathway of ``requirements`` block requirements (problems and scenarios) plus another course."""
    blocks = '\n'.join(f'<block usage="{block_key("problem", f"check-{index}")}" min-score="0.5"/>'
                       f'<block usage="{block_key("magix_scenario", f"case-{index}")}"/>'
                       for index in range(requirements // 2))
    return f"""
<pathway id="large">
  <organisations><organisation id="uni" country="LU"><name>Uni</name></organisation></organisations>
  <programme id="p" ects="2" eqf="7" awarded-by="uni" participation="online">
    <title>Large</title><assessment>Quiz</assessment><quality-assurance>QA</quality-assurance>
    <micro-credential id="big" ects="1"><title>Big</title>
      <learning-outcomes><outcome>Many things.</outcome></learning-outcomes>
      <requirements>{blocks}</requirements>
    </micro-credential>
    <micro-credential id="course" ects="1"><title>Course</title>
      <learning-outcomes><outcome>A course.</outcome></learning-outcomes>
      <requirements><course key="{OTHER_COURSE}" min-score="0.5"/></requirements>
    </micro-credential>
  </programme>
</pathway>"""


SMALL = """\
<pathway id="small" default-language="en">
  <organisations>
    <organisation id="uni-a" country="LU"><name xml:lang="en">University A</name></organisation>
    <organisation id="uni-b" country="FR"><name xml:lang="en">University B</name><name xml:lang="fr">Université B</name></organisation>
  </organisations>
  <programme id="prog" ects="{total}" eqf="7" awarded-by="uni-a uni-b" participation="online">
    <title xml:lang="en">Programme</title>
    <assessment xml:lang="en">Online quiz</assessment>
    <quality-assurance xml:lang="en">Internal QA</quality-assurance>
    <micro-credential id="first" ects="2">
      <title xml:lang="en">First</title>
      <learning-outcomes xml:lang="en"><outcome>Do one thing.</outcome></learning-outcomes>
      <requirements>
        <block usage="{scenario}" completion="1"/>
        <block usage="{problem}" min-score="0.7"/>
      </requirements>
    </micro-credential>
    <micro-credential id="second" ects="1">
      <title xml:lang="en">Second</title>
      <learning-outcomes xml:lang="en"><outcome>Do another thing.</outcome></learning-outcomes>
      <requirements>
        <course key="course-v1:MAGIX+AIGOV201+2026" min-score="0.5"/>
        {extra}
      </requirements>
    </micro-credential>
  </programme>
</pathway>
"""


def small_xml(total='3', extra='', scenario=None, problem=None) -> str:
    return SMALL.format(total=total, extra=extra, scenario=scenario or block_key('magix_scenario', 'one'),
                        problem=problem or block_key('problem', 'one-check'))


class DictSource:
    """A results source over a plain dict (the domain's interface; the hosts implement it on their stores)."""

    def __init__(self, results: dict[str, Result]):
        self.results, self.calls = results, []

    def results_for(self, keys):
        self.calls.append(list(keys))
        return {key: self.results[key] for key in keys if key in self.results}
