"""UI translations are found where the Open edX platform looks for them.

The rule is edx-platform's (``tests/openedx_rules.py``: ``xmodule/modulestore/api.py`` and
``xmodule/modulestore/django.py``), applied to each block as the LMS builds it: through a
runtime that mixes XBLOCK_MIXINS into the class, so the class's own module is ``xblock.runtime``.
"""
import importlib.metadata
import logging

import pytest
from xblock.fields import ScopeIds

from xblocks import i18n, ui_catalogue
from xblocks.credentials.block import CredentialProgressBlock
from xblocks.scenario.block import ScenarioBlock

from ..openedx_rules import PlatformI18nService, xblock_root_module_name
from ..scenario.support import ScenarioTestRuntime

BLOCKS = {'magix_scenario': ScenarioBlock, 'magix_credential_progress': CredentialProgressBlock}
# One string of each block, with its French (translations/xblocks/fr.po).
SAMPLES = {'magix_scenario': ('Please choose one of the options.', 'Veuillez choisir l’une des options.'),
           'magix_credential_progress': ('Sign in to download your credentials.', None)}


def block_as_the_lms_builds_it(block_type):
    """Through a runtime that mixes a mixin into the class, as the LMS mixes XBLOCK_MIXINS."""
    runtime = ScenarioTestRuntime()
    def_id = runtime.id_generator.create_definition(block_type)
    usage_id = runtime.id_generator.create_usage(def_id)
    return runtime.construct_xblock_from_class(BLOCKS[block_type], ScopeIds('learner', block_type, def_id, usage_id))


def test_our_entry_points_are_the_block_modules_the_catalogue_is_compiled_for():
    """setup.py's ``xblock.v1`` entry points name the classes the platform derives the folder from."""
    ours = {point.name: point.value.split(':')[0] for point in importlib.metadata.entry_points(group='xblock.v1')
            if point.name in BLOCKS}
    assert set(ours) == set(BLOCKS)
    assert sorted(ours.values()) == sorted(i18n.BLOCK_MODULES)
    assert {BLOCKS[name].__module__ for name in BLOCKS} == set(i18n.BLOCK_MODULES)


@pytest.mark.parametrize('block_type', sorted(BLOCKS))
def test_the_platform_finds_the_french_catalogue_of_each_block(block_type):
    block = block_as_the_lms_builds_it(block_type)
    assert type(block).__module__.split('.')[0] == 'xblock'  # the mixed class: why the rule unmixes it
    assert xblock_root_module_name(block) == 'xblocks'
    service = PlatformI18nService(block, 'fr')
    assert service.found, f'{block_type}: no xblocks/translations/fr/LC_MESSAGES/text.mo'
    english, french = SAMPLES[block_type]
    assert service.gettext(english) != english
    if french:
        assert service.gettext(english) == french
    assert i18n.translations_dir(xblock_root_module_name(block)) in ui_catalogue.block_catalogue_dirs()


@pytest.mark.parametrize('locale', ui_catalogue.EU_LOCALES)
def test_every_eu_language_is_found_by_the_platform_rule(locale):
    block = block_as_the_lms_builds_it('magix_scenario')
    assert PlatformI18nService(block, locale).found, locale


def test_a_language_without_catalogue_is_english_as_in_the_lms():
    block = block_as_the_lms_builds_it('magix_scenario')
    service = PlatformI18nService(block, 'tlh')
    assert not service.found and service.gettext('Please choose one of the options.') == \
        'Please choose one of the options.'


def test_our_hosts_read_the_same_files_and_log_a_missing_language_once(caplog):
    from lti_tools import services
    assert services.locale_dirs() == [str(i18n.translations_dir('xblocks'))]
    services.block_translations.cache_clear()
    i18n._missing_logged.discard(('xblocks', 'tlh'))
    with caplog.at_level(logging.WARNING, logger='xblocks.i18n'):
        for _ in range(3):
            assert services.block_translations('tlh').gettext('Title') == 'Title'
            assert i18n.catalogue('xblocks', 'tlh').gettext('Title') == 'Title'
    warnings = [record for record in caplog.records if 'tlh' in record.getMessage()]
    assert len(warnings) == 1 and 'showing English' in warnings[0].getMessage()
    assert services.block_translations('fr').gettext('Title') == 'Titre'
