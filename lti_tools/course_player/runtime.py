"""The course player's XBlock runtime: blocks loaded from the course OLX, under their real usage keys.

``CourseRuntime`` is the host's ``MagixRuntime`` (grades and completion into
``lti_tools.results``) with what Open edX's own blocks (``xblocks-contrib``'s ``HtmlBlock``
and capa ``ProblemBlock``) need from the LMS: real ``UsageKey``s as usage ids, the course
files as ``resources_fs``, ``get_policy`` (``policy.json``), and the ``cache``, ``sandbox``
(no custom Python), ``xqueue`` (none), ``replace_urls`` (course ``/static/`` files),
``user`` and ``field-data`` services. Unlike the workbench it does not patch ``due``.

Content and settings are read from the edition's OLX into memory, per language; learner
state lives in the workbench's ``XBlockState`` table, keyed by usage key and learner, so it
is the same whatever language the learner reads the course in.
"""
from __future__ import annotations

import functools
import json
import re
import threading
import weakref

from django.core.cache import cache as django_cache
from django.urls import reverse
from fs.memoryfs import MemoryFS
from lxml import etree
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import UsageKey
from xblock.exceptions import NoSuchDefinition, NoSuchUsage
from xblock.field_data import SplitFieldData
from xblock.core import XBlockMixin
from xblock.fields import Boolean, Scope, ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import DictKeyValueStore, IdGenerator, IdReader, KeyValueStore, KvsFieldData, Mixologist
from workbench.models import XBlockState

from lti_tools.runtime import MagixRuntime, ResultsService

from .course import BlockRef, Edition

# Open edX's own blocks, extracted from the platform (their entry points are ``_<type>_extracted``).
EXTRACTED = {'html': 'HtmlBlock', 'problem': 'ProblemBlock'}
# What capa would run on the server: Python (codejail) or an external grader (xqueue).
SERVER_CODE = re.compile(r'<script[^>]*type\s*=\s*"[^"]*python|<(customresponse|coderesponse|externalresponse|'
                         r'schematicresponse|formularesponse)\b|<answer[^>]*type\s*=\s*"loncapa/python"', re.I)


class ContentProblem(Exception):
    """A block the player cannot show; the message is for the learner (already translated)."""


def block_class(block_type: str):
    """The class that plays ``block_type``: Open edX's extracted blocks for core types, else the entry point."""
    if block_type in EXTRACTED:
        import xblocks_contrib
        return getattr(xblocks_contrib, EXTRACTED[block_type])
    from xblock.core import XBlock
    return XBlock.load_class(block_type)


# ---------------------------------------------------------------- ids and stores

class CourseIds(IdReader, IdGenerator):
    """Usage ids and definition ids are the blocks' ``UsageKey``s (as in Open edX's XML import)."""

    def get_definition_id(self, usage_id):
        return usage_id

    def get_block_type(self, def_id):
        try:
            return def_id.block_type
        except AttributeError as error:
            raise NoSuchDefinition(repr(def_id)) from error

    def create_definition(self, block_type, slug=None):
        raise NoSuchDefinition('course blocks are defined by the course OLX only')

    def create_usage(self, def_id):
        return def_id

    def create_aside(self, definition_id, usage_id, aside_type):
        raise NoSuchUsage('asides are not used by the course player')

    def get_usage_id_from_aside(self, aside_id):
        raise NoSuchUsage(repr(aside_id))

    def get_definition_id_from_aside(self, aside_id):
        raise NoSuchDefinition(repr(aside_id))

    def get_aside_type_from_usage(self, aside_id):
        raise NoSuchUsage(repr(aside_id))

    def get_aside_type_from_definition(self, aside_id):
        raise NoSuchDefinition(repr(aside_id))


class CourseInheritanceMixin(XBlockMixin):
    """Settings a block inherits from its subsection in Open edX (the LMS's ``InheritanceMixin``, in part)."""

    graded = Boolean(default=False, scope=Scope.settings, help='Whether the subsection holding the block is graded.')


class LearnerStateStore(KeyValueStore):
    """Learner and summary state in the workbench's ``XBlockState`` table, keyed by usage key (as the LMS's
    ``StudentModule`` is); one JSON record per (scope, block, learner), scenario ``course``."""

    SCENARIO = 'course'

    def _record(self, key):
        scope = key.scope.block.attr_name if key.scope.block else key.scope.attr_name
        return XBlockState.objects.get_or_create(scope=scope[:50], scope_id=str(key.block_scope_id),
                                                 user_id=key.user_id, scenario=self.SCENARIO, tag='')[0]

    def get(self, key):
        return json.loads(self._record(key).state)[key.field_name]

    def set(self, key, value):
        self.set_many({key: value})

    def set_many(self, update_dict):
        by_record = {}
        for key, value in update_dict.items():
            record = self._record(key)
            if isinstance(value, tuple) and hasattr(value, '_asdict'):
                value = value._asdict()  # capa's ``score`` (a Score namedtuple) is stored as the LMS reads it back
            by_record.setdefault(record.pk, [record, {}])[1][key.field_name] = value
        for record, values in by_record.values():
            record.state = json.dumps({**json.loads(record.state), **values}, sort_keys=True)
            record.save()

    def delete(self, key):
        record = self._record(key)
        state = json.loads(record.state)
        state.pop(key.field_name, None)
        record.state = json.dumps(state, sort_keys=True)
        record.save()

    def has(self, key):
        return key.field_name in json.loads(self._record(key).state)


class EditionContent:
    """Content and settings of one edition's blocks, parsed once per process (and which are loaded)."""

    def __init__(self):
        self.store, self.loaded = DictKeyValueStore(), set()


_CONTENT: 'weakref.WeakKeyDictionary[Edition, EditionContent]' = weakref.WeakKeyDictionary()
_LOCK = threading.RLock()


def edition_content(edition: Edition) -> EditionContent:
    with _LOCK:
        return _CONTENT.setdefault(edition, EditionContent())


def field_data(edition: Edition):
    content = KvsFieldData(edition_content(edition).store)
    state = KvsFieldData(LearnerStateStore())
    return SplitFieldData({
        Scope.content: content, Scope.settings: content, Scope.children: content, Scope.parent: content,
        Scope.user_state: state, Scope.user_state_summary: state, Scope.preferences: state,
        Scope.user_info: state,
    })


@functools.lru_cache(maxsize=8)
def resources_fs(edition: Edition) -> MemoryFS:
    """The edition's course files as a filesystem (what the XML import gives blocks in Open edX)."""
    files = MemoryFS()
    for path, data in edition.tree.items():
        files.makedirs('/'.join(path.split('/')[:-1]) or '/', recreate=True)
        files.writebytes(path, data)
    return files


# ---------------------------------------------------------------- services

class CourseUserService(UserService):
    """The ``user`` service with the keys the LMS sets; ``staff`` is the demo's course-team switch."""

    def __init__(self, user_id: str, staff: bool):
        user = XBlockUser(is_current_user=True, full_name=user_id)
        user.opt_attrs.update({
            'edx-platform.user_id': user_id, 'edx-platform.username': user_id,
            'edx-platform.anonymous_user_id': user_id, 'edx-platform.user_is_staff': staff,
            'edx-platform.user_role': 'staff' if staff else 'student', 'edx-platform.is_authenticated': True,
        })
        super().__init__(user=user)

    def get_current_user(self):
        return self._user


class NoSandbox:
    """The ``sandbox`` service: this host runs no course Python (Open edX runs it in codejail)."""

    def can_execute_unsafe_code(self):
        return False

    def get_python_lib_zip(self):
        return None


class NoXQueue:
    """The ``xqueue`` service: no external grader; problems that need one are refused before loading."""

    interface = None
    default_queuename = ''
    waittime = 0

    def construct_callback(self, dispatch='score_update'):
        raise ContentProblem('no external grader (xqueue) on this host')


class CourseStaticUrls:
    """The ``replace_urls`` service: ``/static/<file>`` in course content -> the player's course files."""

    STATIC = re.compile(r'(["\'(])/static/([^"\'\s)?#]+)')

    def replace_urls(self, text, static_replace_only=False):
        base = reverse('course_player:static', args=['_'])[:-1]
        return self.STATIC.sub(lambda match: f'{match[1]}{base}{match[2]}', text or '')


class CourseResults(ResultsService):
    """``magix_results`` whose links open the course unit that shows a block."""

    def url_for(self, key: str) -> str | None:
        unit = self.runtime.edition.outline.unit_of(key)
        return reverse('course_player:unit', args=[unit.url_name]) if unit else super().url_for(key)


class CourseRuntime(MagixRuntime):
    """One learner's runtime over one language edition of the course."""

    def __init__(self, edition: Edition, user_id: str, staff: bool = False):
        super().__init__(user_id)
        self.edition = edition
        self.id_reader = self.id_generator = CourseIds()
        self.mixologist = Mixologist([CourseInheritanceMixin])
        self.resources_fs = resources_fs(edition)
        self._services.update({
            'field-data': field_data(edition), 'user': CourseUserService(user_id, staff), 'cache': django_cache,
            'sandbox': NoSandbox(), 'xqueue': NoXQueue(), 'replace_urls': CourseStaticUrls(),
            'magix_results': CourseResults(self),
        })

    @property
    def anonymous_student_id(self):
        return self.user_id

    def load_block_type(self, block_type):
        return block_class(block_type)

    def _patch_xblock(self, block):
        """The workbench sets ``due`` to now (every problem past due) and a mock location: not here."""

    def parse_asides(self, node, def_id, usage_id, id_generator):
        """No asides in the course player (Open edX's import hook; XBlock's base runtime has none)."""
        return []

    def get_policy(self, usage_id):
        from .course import block_policy
        return block_policy(self.edition.tree, usage_id.block_type, usage_id.block_id)

    def result_key(self, block) -> str:
        return str(block.scope_ids.usage_id)

    def handler_url(self, block, handler_name, suffix='', query='', thirdparty=False):
        url = reverse('course_player:handler', args=[str(block.scope_ids.usage_id), handler_name, suffix])
        return f'{url}?{query}' if query else url

    def local_resource_url(self, block, uri):
        # capa names its assets ``problem/public/...`` (the LMS pipeline's layout); files are in ``public/``.
        if '/public/' in uri and not uri.startswith('public/'):
            uri = 'public/' + uri.split('/public/', 1)[1]
        return reverse('course_player:resource', args=[block.scope_ids.block_type, uri])

    # --- loading blocks from the OLX ---------------------------------------------------------

    def block_for(self, ref: BlockRef):
        """The learner's instance of an outline block (raises ``ContentProblem`` with a reason)."""
        return self.get_block(UsageKey.from_string(ref.usage_key))

    def get_block(self, usage_id, for_parent=None):
        if not isinstance(usage_id, UsageKey):
            try:
                usage_id = UsageKey.from_string(str(usage_id))
            except InvalidKeyError as error:
                raise NoSuchUsage(repr(usage_id)) from error
        self.load(usage_id)
        return super().get_block(usage_id, for_parent)

    def load(self, usage: UsageKey):
        """Parse the block's OLX into the content store, once per edition and process."""
        content = edition_content(self.edition)
        if str(usage) in content.loaded:
            return
        ref = next((block for block in self.edition.outline.blocks() if block.usage_key == str(usage)), None)
        if ref is None:
            raise NoSuchUsage(repr(str(usage)))
        path = f'{ref.block_type}/{ref.url_name}.xml'
        if path not in self.edition.tree:
            raise ContentProblem(self.missing_message(path))
        data = self.edition.tree[path]
        if ref.block_type == 'problem' and SERVER_CODE.search(data.decode('utf-8', 'replace')):
            raise ContentProblem(self.server_code_message())
        cls = block_class(ref.block_type)
        if hasattr(cls, 'load_definition_xml'):   # Open edX's XML blocks read pointer files themselves
            node = etree.Element(ref.block_type, url_name=ref.url_name)
        else:
            from course_export.olx import parse_xml
            node = parse_xml(data, path)
        with _LOCK:
            if str(usage) in content.loaded:
                return
            keys = ScopeIds(None, ref.block_type, self.id_reader.get_definition_id(usage), usage)
            block = cls.parse_xml(node, self, keys)
            unit = self.edition.outline.unit_of(str(usage))
            sequence = unit.parent if unit is not None else None
            if sequence is not None and 'graded' in block.fields:
                block.graded = sequence.attributes.get('graded') == 'true'
            block.save()
            content.loaded.add(str(usage))

    def missing_message(self, path):
        from django.utils.translation import gettext
        return gettext('This part of the course cannot be shown: its file {path} is missing from the course.').format(
            path=path)

    def server_code_message(self):
        from django.utils.translation import gettext
        return gettext('This problem runs custom Python code on the server, which this demo does not do '
                       '(Open edX runs it in a sandbox). It is left out here.')
