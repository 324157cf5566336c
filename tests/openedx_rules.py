"""Rules of the Open edX platform, read from its code, for our test runtimes to apply.

edx-platform is not on the package registries, so its behaviour comes into our tests as these
rules, each restated from the platform file named beside it (openedx/edx-platform, master of
2025-2026). They derive everything from the block, as the platform does, never from a path or a
flag we chose: if our blocks or our layout disagree with the platform, these make the tests fail.
"""
from __future__ import annotations

import gettext
import importlib.resources

from xblock.exceptions import InvalidScopeError
from xblock.fields import Scope
from xblock.runtime import DictKeyValueStore

AUTHOR_VIEW, STUDENT_VIEW = 'author_view', 'student_view'


def xblock_root_module_name(block) -> str:
    """``xmodule/modulestore/api.py``: ``get_xblock_root_module_name`` / ``get_root_module_name``.

    The first component of the module of the block's *unmixed* class: runtimes mix XBLOCK_MIXINS
    into a class created in ``xblock.runtime``, whose own ``__module__`` would say ``xblock``.
    """
    original_class = getattr(block, 'unmixed_class', block.__class__)
    return original_class.__module__.split('.')[0]


class PlatformI18nService:
    """``xmodule/modulestore/django.py``: ``XBlockI18nService(block)``, without OEP-58 atlas files.

    ``get_python_locale``: no ``conf/plugins-locale/xblock.v1/<root>`` folder exists for our blocks
    (atlas pulls only the Open edX translations project), so the platform reads the bundled
    catalogue, domain ``text``, in ``importlib.resources.path(<root module>, 'translations')``.
    ``__init__``: ``gettext.translation(domain, dir, [to_locale(language)])`` and, on ``OSError``,
    Django's own translator: for our strings, English. The service is built with the block it
    serves (``XBlockI18nService(block)``; Studio's preview registers the class itself as the
    service, ``cms/djangoapps/contentstore/views/preview.py``), so a test runtime builds one per
    ``service(block, 'i18n')`` call.
    """

    def __init__(self, block=None, locale='en'):
        self.translator = gettext.NullTranslations()  # Django's catalogue has none of our strings
        self.found = False
        if block is not None:
            directory = str(importlib.resources.files(xblock_root_module_name(block)).joinpath('translations'))
            try:
                self.translator = gettext.translation('text', directory, [locale])
                self.found = True
            except OSError:
                pass

    def __getattr__(self, name):
        name = 'gettext' if name == 'ugettext' else name
        return getattr(self.translator, name)


def studio_preview_view(block) -> str:
    """The view Studio renders a block with in a unit page.

    ``cms/djangoapps/contentstore/views/preview.py``, ``get_preview_fragment``:
    ``AUTHOR_VIEW if has_author_view(block) else STUDENT_VIEW``, where ``has_author_view`` is
    ``getattr(block, 'has_author_view', False)`` (``xmodule/studio_editable.py``).
    """
    return AUTHOR_VIEW if getattr(block, 'has_author_view', False) else STUDENT_VIEW


def is_pointer_tag(node) -> bool:
    """``xmodule/xml_block.py`` (and ``xblocks_contrib/legacy_utils/xml_utils.py``): ``is_pointer_tag``.

    A pointer is an element with no children, no text and ``url_name`` as its only attribute; its
    definition is in ``<tag>/<url_name with ':' as '/'>.xml`` of the course folder.
    """
    has_text = node.text is not None and len(node.text.strip()) > 0
    return len(node) == 0 and set(node.attrib) == {'url_name'} and not has_text


class ModulestoreKeyValueStore(DictKeyValueStore):
    """The field store of a block as the modulestore hands it out, bound to no learner.

    ``xmodule/modulestore/split_mongo/split_mongo_kvs.py``, ``SplitMongoKVS``: ``has`` is false for
    learner scopes (so XBlock reads their defaults), ``get`` and ``set`` raise
    ``InvalidScopeError``. The Course Blocks API's collect phase calls ``student_view_data()`` on
    such blocks: it must read nothing but defaults there, and write nothing.
    """
    VALID_SCOPES = (Scope.parent, Scope.children, Scope.settings, Scope.content)

    def get(self, key):
        if key.scope not in self.VALID_SCOPES:
            raise InvalidScopeError(key, self.VALID_SCOPES)
        return super().get(key)

    def set(self, key, value):
        if key.scope not in self.VALID_SCOPES:
            raise InvalidScopeError(key, self.VALID_SCOPES)
        super().set(key, value)
