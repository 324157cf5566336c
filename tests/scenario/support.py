"""A small XBlock runtime for scenario tests: real field storage, services and recorded events.

It is the XBlock test double the XBlock library itself uses (a ``Runtime`` over a
``DictKeyValueStore``), plus the services Open edX provides to our block: ``i18n`` built per
block by the platform's rule (``tests/openedx_rules.py``), ``user`` with the LMS's staff flag, and
``publish`` that records grades. Like the LMS it mixes a mixin into block classes, so the block's
class is not the one our code defines (the platform's i18n rule must look at ``unmixed_class``).
"""
from __future__ import annotations

import json
import re

from webob import Request
from xblock.runtime import KvsFieldData
from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.core import XBlockMixin
from xblock.runtime import DictKeyValueStore, MemoryIdManager, Runtime

from xblocks.scenario.block import ScenarioBlock
from xblocks.scenario.problems import ScenarioError

from ..openedx_rules import PlatformI18nService

SMALL_SCENARIO = """\
<magix_scenario display_name="Benefits pre-screening" scoring_mode="{mode}" max_attempts="{attempts}"
                allow_undo="true" show_statistics="true" weight="2">
  <scenario start="intake">
    <introduction><p>The <strong>benefits office</strong> is offered an AI tool.</p><script>alert(1)</script></introduction>
    <role>You lead the office.</role>
    <dimensions>
      <dimension id="legality">Legality</dimension>
      <dimension id="service">Service quality</dimension>
    </dimensions>
    <step id="intake" title="The offer">
      <situation><p>A supplier offers automated pre-screening of claims.</p></situation>
      <question>What do you do first?</question>
      <reflection>What worries you most?</reflection>
      <option id="dpia" next="pilot">
        <text>Commission a DPIA</text>
        <consequence><p>SECRET-CONSEQUENCE-DPIA</p></consequence>
        <feedback><p>Good: article 35 applies.</p></feedback>
        <effect dimension="legality" points="2"/>
        <effect dimension="service" points="1"/>
      </option>
      <option id="buy" next="complaint">
        <text>Buy it now</text>
        <consequence><p>SECRET-CONSEQUENCE-BUY</p></consequence>
        <feedback><p>Risky.</p></feedback>
        <effect dimension="legality" points="-1"/>
      </option>
    </step>
    <step id="pilot" title="The pilot">
      <situation><p>SECRET-SITUATION-PILOT</p></situation>
      <question>How do you run the pilot?</question>
      <option id="human" next="good" points="3"><text>Keep a human in the loop</text></option>
      <option id="auto" next="complaint" points="0"><text>Fully automatic</text></option>
    </step>
    <step id="complaint" title="A complaint">
      <situation><p>SECRET-SITUATION-COMPLAINT</p></situation>
      <question>The ombudsman writes. You...</question>
      <option id="review" next="ok" points="1"><text>Review the cases</text></option>
      <option id="deny" next="bad" points="0"><text>Deny any problem</text></option>
    </step>
    <ending id="good" title="Trusted service" score="1"><debrief><p>SECRET-DEBRIEF-GOOD</p></debrief></ending>
    <ending id="ok" title="Repaired" score="0.6"><debrief><p>Repaired trust.</p></debrief></ending>
    <ending id="bad" title="Scandal" score="0"><debrief><p>Scandal.</p></debrief></ending>
  </scenario>
</magix_scenario>
"""


def small_scenario(mode='path', attempts=0) -> str:
    return SMALL_SCENARIO.format(mode=mode, attempts=attempts)


class PlatformLikeMixin(XBlockMixin):
    """Stands for the LMS's ``XBLOCK_MIXINS``: makes the runtime build a mixed class, as the LMS does."""


class StaffAwareUserService(UserService):
    def __init__(self, user_id, is_staff=False):
        super().__init__()
        self.user_id, self.is_staff = user_id, is_staff

    def get_current_user(self):
        user = XBlockUser(is_current_user=True, full_name=self.user_id)
        user.opt_attrs.update({'edx-platform.user_id': self.user_id,
                               'edx-platform.user_is_staff': self.is_staff})
        return user


class ScenarioTestRuntime(Runtime):
    """One learner's runtime over a shared store (several runtimes may share one store)."""

    def __init__(self, store=None, user_id='learner-1', locale='en', is_staff=False, id_manager=None):
        self.store = store if store is not None else DictKeyValueStore()
        self.id_manager = id_manager or MemoryIdManager()
        super().__init__(self.id_manager, self.id_manager, mixins=(PlatformLikeMixin,), services={
            'field-data': KvsFieldData(self.store),
            'user': StaffAwareUserService(user_id, is_staff),
        })
        self.user_id, self.locale = user_id, locale
        self.events: list[tuple[str, dict]] = []

    def service(self, block, service_name):
        if service_name == 'i18n':
            return PlatformI18nService(block, self.locale)
        return super().service(block, service_name)

    def load_block_type(self, block_type):
        return ScenarioBlock if block_type == 'magix_scenario' else super().load_block_type(block_type)

    def handler_url(self, block, handler_name, suffix='', query='', thirdparty=False):
        return f'/handler/{handler_name}/{suffix}'

    def resource_url(self, resource):
        return f'/resource/{resource}'

    def local_resource_url(self, block, uri):
        return f'/local/{uri}'

    def publish(self, block, event_type, event_data):
        self.events.append((event_type, event_data))

    def grades(self) -> list[dict]:
        return [data for kind, data in self.events if kind == 'grade']

    def block_for(self, usage_id):
        """The block as this runtime's learner sees it."""
        return self.get_block(usage_id)

    def other_learner(self, user_id, **kwargs) -> 'ScenarioTestRuntime':
        return ScenarioTestRuntime(self.store, user_id, id_manager=self.id_manager, **kwargs)


def load(runtime: ScenarioTestRuntime, xml: str):
    return runtime.get_block(runtime.parse_xml_string(xml))


PLAY_HANDLERS = ('choose', 'undo', 'restart')


def answering(block) -> dict:
    """What the page showing the block's current state sends with an action (``data-attempt`` etc.)."""
    play = block.playthrough()
    try:
        found = play.answering(block.scenario())
    except ScenarioError:  # broken content: no page shows a step, but an old page may still post
        found = {'attempt': play.attempt_number, 'position': len(play.history) + 1}
    return {name: value for name, value in found.items() if value is not None}


ANSWERING = re.compile(r'data-attempt="(\d+)" data-position="(\d+)" data-step="([^"]*)"')


def page_answering(html: str) -> dict:
    """What the block's JavaScript sends with an action, read from the page it shows."""
    attempt, position, step = ANSWERING.search(html).groups()
    return {'attempt': int(attempt), 'position': int(position), **({'step': step} if step else {})}


def post(block, handler: str, body: bytes, method='POST'):
    """The raw webob response of a handler to some body."""
    request = Request.blank('/', method=method, body=body)
    request.content_type = 'application/json'
    return block.handle(handler, request)


def call(block, handler: str, data: dict | None = None, status: int = 200) -> dict:
    """POST JSON to a block handler the way the LMS does; returns the decoded JSON answer.

    A learner action carries the state its page answers, as the block's JavaScript sends it.
    """
    data = dict(data or {})
    if handler in PLAY_HANDLERS:
        data = {**answering(block), **data}
    response = post(block, handler, json.dumps(data).encode('utf-8'))
    assert response.status_code == status, (response.status_code, response.body)
    return json.loads(response.body.decode('utf-8'))


def same_block_for(runtime, block, user_id='learner-1'):
    """A fresh instance of ``block`` for ``user_id`` (reads the stored state, like a new request)."""
    return runtime.construct_xblock_from_class(
        ScenarioBlock, ScopeIds(user_id, 'magix_scenario', block.scope_ids.def_id, block.scope_ids.usage_id))
