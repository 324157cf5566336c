"""The UI-string catalogue: up to date with the code, complete in the 24 EU languages, compiled."""
import re
import runpy
from pathlib import Path
from unittest import mock

import polib
import pytest

from xblocks import i18n, ui_catalogue

REPO = Path(__file__).resolve().parent.parent

PLACEHOLDER = re.compile(r'\{[a-z_]+\}|%\([a-z_]+\)s|%%')


def test_committed_template_matches_the_code():
    """Whoever adds a UI string runs ``magix ui-strings extract`` (and the translators see it)."""
    committed = polib.pofile(str(ui_catalogue.TEMPLATE))
    assert sorted((e.msgctxt or '', e.msgid) for e in committed) == \
        sorted((e.msgctxt or '', e.msgid) for e in ui_catalogue.extract())


@pytest.mark.parametrize('locale', ui_catalogue.EU_LOCALES)
def test_every_eu_language_is_complete_and_keeps_placeholders(locale):
    catalogue = polib.pofile(str(ui_catalogue.catalogue_path(locale)))
    template = {(e.msgctxt or '', e.msgid) for e in polib.pofile(str(ui_catalogue.TEMPLATE))}
    assert {(e.msgctxt or '', e.msgid) for e in catalogue.translated_entries()} >= template
    assert catalogue.metadata.get('Plural-Forms', '').startswith('nplurals=')
    for entry in catalogue.translated_entries():
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            expected = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural)) - {'%%'}
            assert set(PLACEHOLDER.findall(text)) - {'%%'} <= expected, (locale, entry.msgid, text)


@pytest.mark.parametrize('locale', ui_catalogue.EU_LOCALES)
def test_compiled_catalogues_are_where_open_edx_and_the_host_look(locale):
    source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(ui_catalogue.catalogue_path(locale)))
              .translated_entries()}
    for path in ui_catalogue.compiled_paths(locale):
        assert path.is_file(), f'{path} missing: run magix ui-strings compile'
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(path))}
        assert compiled == source, f'{path} is stale: run magix ui-strings compile'


def test_catalogues_go_where_the_platform_derives_from_our_block_classes():
    """``<root package of each block class>/translations`` (edx-platform's rule, see tests/openedx_rules.py)."""
    assert ui_catalogue.block_catalogue_dirs() == [REPO / 'xblocks' / 'translations']
    assert {module.split('.')[0] for module in i18n.BLOCK_MODULES} == {'xblocks'}


def test_compiled_catalogues_ship_in_the_package(monkeypatch):
    """What setup() receives as package data: every language's ``text.mo`` under ``xblocks/translations``."""
    captured = {}
    monkeypatch.chdir(REPO)
    with mock.patch('setuptools.setup', lambda **arguments: captured.update(arguments)):
        runpy.run_path(str(REPO / 'setup.py'), run_name='__main__')
    shipped = set(captured['package_data']['xblocks'])
    assert {f'translations/{locale}/LC_MESSAGES/text.mo' for locale in ui_catalogue.EU_LOCALES} <= shipped
    assert not any('translations' in path for package in ('xblocks.scenario', 'xblocks.credentials')
                   for path in captured['package_data'][package])
