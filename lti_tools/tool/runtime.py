"""The XBlock runtime for LTI launches: the workbench runtime, with content read from the
scenario files and learner state in the hosts' database store, keyed by opaque ids.

Content and settings come from the exercise file (parsed once per process into memory), so
what a learner sees is exactly what the file says, whatever the database holds; user state
and the anonymous tallies live in the shared ``XBlockState`` table. Grades and completion
go through the host's ``MagixRuntime`` into ``lti_tools.results`` under the exercise's course
usage key (``block-v1:...+type@magix_scenario+block@<slug>``); the grade queue listens there.
"""
from __future__ import annotations

import threading

from django.urls import reverse
from xblock.field_data import ReadOnlyFieldData, SplitFieldData
from xblock.fields import Scope, ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import DictKeyValueStore, KeyValueStore, KvsFieldData
from workbench.runtime import ScenarioIdManager

from lti_tools.runtime import LEARNER_SCOPES, MagixRuntime, course_usage_key, split_field_data

from . import catalogue
from .session import LaunchSession

CONTENT_STORE = DictKeyValueStore()   # content and settings of the exercises, per process
ID_MANAGER = ScenarioIdManager()      # our own, so the workbench demo's ids never collide
_USAGES: dict[tuple[str, str], str] = {}
_LOCK = threading.Lock()


def field_data(state_store, authored_writable: bool = False):
    """Content and settings from the exercise file (read-only for launches, as in the LMS), learner
    state and tallies in the database (through the runtime's ``state_store``)."""
    content = KvsFieldData(CONTENT_STORE)
    return split_field_data(content if authored_writable else ReadOnlyFieldData(content), KvsFieldData(state_store))


def usage_id(exercise: catalogue.Exercise) -> str:
    """The exercise's usage id, stable across restarts (``lti-<slug>.magix_scenario.d0.u0``)."""
    return _parsed(f'lti-{exercise.slug}', exercise.slug, exercise.xml)


def _parsed(scenario: str, slug: str, xml: str) -> str:
    key = (slug, xml)
    with _LOCK:
        if key not in _USAGES:
            ID_MANAGER.set_scenario(scenario)  # a changed file gets the next d<n>
            _USAGES[key] = ContentRuntime().parse_xml_string(xml)
        return _USAGES[key]


exercise_usage = usage_id  # the name, for methods whose parameter is called usage_id


def localized_usage(exercise: catalogue.Exercise, language: str) -> str | None:
    """The exercise parsed in ``language`` (its content and settings), when its catalogue translates all of it."""
    xml = catalogue.localized_xml(exercise, language)
    return None if xml is None else _parsed(f'lti-{exercise.slug}-{language}', exercise.slug, xml)


class ReadAs(KeyValueStore):
    """A store that reads and writes one usage's fields under another's id (the translated settings)."""

    def __init__(self, store: KeyValueStore, aliases: dict):
        self.store, self.aliases = store, aliases

    def _key(self, key):
        return key._replace(block_scope_id=self.aliases.get(key.block_scope_id, key.block_scope_id))

    def get(self, key):
        return self.store.get(self._key(key))

    def set(self, key, value):
        self.store.set(self._key(key), value)

    def delete(self, key):
        self.store.delete(self._key(key))

    def has(self, key):
        return self.store.has(self._key(key))


def translated_field_data(usage: str, translated: str, state_store):
    """Content and settings of the translated parse (read-only, as for every launch); learner state
    and tallies of the exercise's own usage, in the database."""
    content = ReadOnlyFieldData(KvsFieldData(CONTENT_STORE))
    settings = ReadOnlyFieldData(KvsFieldData(ReadAs(CONTENT_STORE, {usage: translated})))
    state = KvsFieldData(state_store)
    return SplitFieldData({Scope.content: content, Scope.settings: settings, Scope.children: content,
                           Scope.parent: content, **{scope: state for scope in LEARNER_SCOPES}})


class ContentRuntime(MagixRuntime):
    """Parses exercise files into the in-memory content store."""

    def __init__(self, user_id=None):
        super().__init__(user_id)
        self.id_reader = self.id_generator = ID_MANAGER
        self._services['field-data'] = field_data(self.state_store, authored_writable=True)


class LtiUserService(UserService):
    """The ``user`` service with the keys the Open edX LMS sets (instructors count as staff)."""

    def __init__(self, session: LaunchSession):
        user = XBlockUser(is_current_user=True, full_name='')
        user.opt_attrs.update({
            'edx-platform.user_id': session.user_id,
            'edx-platform.username': session.user_id,
            'edx-platform.user_is_staff': session.teaching,
            'edx-platform.is_authenticated': True,
        })
        super().__init__(user=user)

    def get_current_user(self):
        return self._user


class LtiRuntime(ContentRuntime):
    """One launch session's runtime: its learner, its handler URLs, its grade passback."""

    def __init__(self, session: LaunchSession):
        super().__init__(session.user_id)
        self.session = session
        self._services['user'] = LtiUserService(session)
        self._services['field-data'] = field_data(self.state_store)

    def publish(self, block, event_type, event_data):
        """An instructor's preview is never graded: no result recorded, so no score queued."""
        if self.session.teaching and event_type in ('grade', 'completion'):
            return
        super().publish(block, event_type, event_data)

    @property
    def anonymous_student_id(self):
        return self.session.user_id

    def result_key(self, block) -> str:
        return exercise_result_key(self.session.exercise)

    def get_block(self, usage_id, for_parent=None):
        """The learner's block with the content in the launch's language: same usage (state, grades),
        the translated definition (content) when the course catalogue has the whole scenario."""
        exercise = catalogue.exercises().get(self.session.exercise)
        translated = localized_usage(exercise, self.session.language) if exercise else None
        if translated is None or usage_id != exercise_usage(exercise):
            return super().get_block(usage_id, for_parent)
        keys = ScopeIds(self.user_id, 'magix_scenario', ID_MANAGER.get_definition_id(translated), usage_id)
        return self.construct_xblock('magix_scenario', keys, field_data=translated_field_data(usage_id, translated, self.state_store),
                                     for_parent=for_parent)

    def _patch_xblock(self, block):
        """Nothing: the workbench gives every block mock LMS attributes (a ``Mock`` location, ``due``
        now) for legacy blocks on each render and handler call; the scenario block reads none of them."""

    def handler_url(self, block, handler_name, suffix='', query='', thirdparty=False):
        url = reverse('lti_tool:handler', args=[self.session.token(), block.scope_ids.usage_id, handler_name, suffix])
        return f'{url}?{query}' if query else url


def exercise_result_key(slug: str) -> str:
    """Where the host records an exercise's results: its usage key in the MAGIX course."""
    return course_usage_key('magix_scenario', slug)
