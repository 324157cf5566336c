"""The host's XBlock runtime: the workbench runtime, plus learner results and completion.

``WorkbenchRuntime.publish`` only logs. ``MagixRuntime.publish`` also records ``grade`` and
``completion`` events into ``lti_tools.results`` (which sends ``result_recorded``), and the
runtime offers the services Open edX blocks expect for this: ``completion`` (same API as the
LMS's ``CompletionService``) and ``magix_results`` (bulk results, aggregates, links).

Keys: results are stored under the block's course usage key, as in Open edX. The demo has
one course (``settings.MAGIX_COURSE_KEY``); a workbench block whose OLX element has a
``url_name`` gets ``block-v1:<course>+type@<type>+block@<url_name>``, so a pathway written
for the real course works unchanged in the demo (and the widget links each requirement to
the demo page showing that block). Other blocks keep their workbench id.
"""
from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import UsageKey
from workbench.runtime import WorkbenchRuntime
from xblock.exceptions import InvalidScopeError, NoSuchUsage
from xblock.field_data import ReadOnlyFieldData, SplitFieldData
from xblock.fields import Scope
from xblock.runtime import KvsFieldData

from xblocks.handlers import STAFF_ONLY, USER_IS_STAFF, json_response
from xblocks.xml_safety import UnsafeXML, parse_untrusted_xml

from .results import api as results
from .results.services import HostCompletionService
from .state_store import BlockStateStore
from .transactions import hold_lock

log = logging.getLogger(__name__)


def course_key() -> str:
    return getattr(settings, 'MAGIX_COURSE_KEY', 'course-v1:MAGIX+AIGOV101+2026')


def course_usage_key(block_type: str, url_name: str) -> str:
    return f'block-v1:{course_key()[len("course-v1:"):]}+type@{block_type}+block@{url_name}'


def workbench_usage_keys(scenarios, runtime) -> dict[str, tuple[str, str]]:
    """``{workbench usage id: (course usage key, scenario id)}`` for OLX elements with a ``url_name``.

    Walks each scenario's XML and its loaded block tree side by side (a block's child elements
    are its children, in order), so the pairing does not depend on how ids were numbered.
    """
    found = {}

    def walk(element, usage_id, scenario_id):
        if element.get('url_name'):
            found[str(usage_id)] = (course_usage_key(element.tag, element.get('url_name')), scenario_id)
        block = runtime.get_block(usage_id)
        if getattr(block, 'has_children', False):
            elements = [child for child in element if isinstance(child.tag, str)]
            for child_element, child_id in zip(elements, block.children):
                walk(child_element, child_id, scenario_id)

    for scenario_id, scenario in scenarios.items():
        try:
            walk(parse_untrusted_xml(scenario.xml), scenario.usage_id, scenario_id)
        except (UnsafeXML, NoSuchUsage):
            log.warning('Workbench scenario %s: cannot map its blocks to course keys', scenario_id)
    return found


@functools.lru_cache(maxsize=1)
def _scenario_keys(loaded: tuple[tuple[str, str], ...]):
    from workbench.scenarios import SCENARIOS
    by_usage = workbench_usage_keys(SCENARIOS, WorkbenchRuntime())
    return by_usage, {key: scenario_id for key, scenario_id in by_usage.values()}


def scenario_keys():
    """The usage-key maps of the loaded workbench scenarios (recomputed when the list changes)."""
    from workbench.scenarios import get_scenarios
    return _scenario_keys(tuple(sorted((name, str(scenario.usage_id)) for name, scenario in get_scenarios().items())))


class ResultsService:
    """The ``magix_results`` service: what the credential widget needs from the host."""

    def __init__(self, runtime):
        self.runtime = runtime

    @property
    def course_key(self) -> str:
        return course_key()

    def source_for(self, user_key) -> results.HostResultsSource:
        return results.HostResultsSource(user_key)

    def results_by_learner(self, keys):
        return results.results_by_learner(keys)

    def url_for(self, key: str) -> str | None:
        """The demo page that shows this block, if the workbench has one."""
        scenario_id = scenario_keys()[1].get(key)
        if scenario_id is None:
            return None
        try:
            return reverse('workbench_show_scenario', args=[scenario_id]) + f'?student={self.runtime.user_id}'
        except NoReverseMatch:
            return None   # the LTI tool service has no demo pages


AUTHORED_SCOPES = (Scope.content, Scope.settings, Scope.children, Scope.parent)
LEARNER_SCOPES = (Scope.user_state, Scope.user_state_summary, Scope.preferences, Scope.user_info)


class StaffWritableFieldData(ReadOnlyFieldData):
    """Authored data (content, settings) that only course staff may change.

    The LMS makes authored data read-only for learners (``LmsFieldData``); a learner's write
    raises ``InvalidScopeError``, which ``handle_atomically`` answers with a 403.
    """

    def __init__(self, source, is_staff):
        super().__init__(source)
        self._is_staff = is_staff

    def _check(self, block, names):
        if not self._is_staff():
            raise InvalidScopeError(f'{block}: only course staff change {", ".join(names)}')

    def set(self, block, name, value):
        self._check(block, [name])
        self._source.set(block, name, value)

    def set_many(self, block, update_dict):
        self._check(block, list(update_dict))
        self._source.set_many(block, update_dict)

    def delete(self, block, name):
        self._check(block, [name])
        self._source.delete(block, name)


def split_field_data(authored, learner) -> SplitFieldData:
    return SplitFieldData({**{scope: authored for scope in AUTHORED_SCOPES},
                           **{scope: learner for scope in LEARNER_SCOPES}})


class MagixRuntime(WorkbenchRuntime):
    """The workbench runtime that records grades and completion for credential progress.

    Learner state goes through ``LockedKeyValueStore``; content and settings only course staff write.
    """

    def __init__(self, user_id=None):
        super().__init__(user_id)
        self._services['completion'] = HostCompletionService(self.user_key, course_key())
        self._services['magix_results'] = ResultsService(self)
        self.state_store = BlockStateStore()   # this runtime's (this request's) reads
        stored = KvsFieldData(self.state_store)
        self._services['field-data'] = split_field_data(StaffWritableFieldData(stored, self.user_is_course_staff),
                                                        stored)

    def applicable_aside_types(self, block):
        """None: the LMS runs with asides off, and asking XBlock for them scans every installed
        package's entry points on each render (a third of an LTI launch)."""
        return []

    def user_is_course_staff(self) -> bool:
        """What the ``user`` service says (the demo: ``?student=staff...``), as blocks read it."""
        service = self._services.get('user')
        user = service.get_current_user() if service is not None else None
        return bool(user is not None and user.opt_attrs.get(USER_IS_STAFF))

    @property
    def user_key(self) -> str:
        return str(self.user_id or 'anonymous')

    def handle_atomically(self, usage_id, handler_name, request, suffix=''):
        """Run one handler call in one transaction holding its block's lock (see ``transactions``).

        A refused call (a 4xx answer, or a learner writing content or settings) is rolled
        back whole. ``NoSuchUsage`` and ``NoSuchHandlerError`` go to the caller.
        """
        with transaction.atomic():
            hold_lock(f'xblock-handler:{usage_id}')
            self.state_store.forget()   # read what the previous call committed, now that we hold the lock
            block = self.get_block(usage_id)
            try:
                response = self.handle(block, handler_name, request, suffix)
            except InvalidScopeError:
                gettext = getattr(block, 'gettext', None) or translation.gettext
                response = json_response({'error': gettext(STAFF_ONLY)}, 403)
            if response.status_code >= 400:
                transaction.set_rollback(True)
                self.state_store.forget()
        return response

    def result_key(self, block) -> str:
        """The key a block's results are stored under (its course usage key when known)."""
        usage_id = str(block.scope_ids.usage_id)
        try:
            return str(UsageKey.from_string(usage_id))
        except InvalidKeyError:
            pass
        mapped = scenario_keys()[0].get(usage_id)
        return mapped[0] if mapped else usage_id

    def publish(self, block, event_type, event_data):
        super().publish(block, event_type, event_data)
        if event_type not in ('grade', 'completion') or self.user_id is None:
            return
        key = self.result_key(block)
        try:
            if event_type == 'grade':
                earned, possible = float(event_data['value']), float(event_data['max_value'])
                if event_data.get('only_if_higher'):
                    previous = results.results_for(self.user_key, [key]).get(key)
                    if previous and previous.score is not None and previous.score >= earned / possible:
                        return
                results.record_result(self.user_key, key, earned=earned, possible=possible)
            else:
                results.record_result(self.user_key, key, completion=float(event_data['completion']))
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
            log.warning('Ignored a malformed %s event from %s: %s', event_type, key, error)
