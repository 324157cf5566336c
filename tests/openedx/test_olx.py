"""OLX as Open edX course archives hold it: inline and pointer forms, read and written back.

The platform's side, restated from its code in ``tests/openedx_rules.py`` and here:
* a vertical exports each child with ``add_block_as_child_node`` (``xmodule/x_module.py``): an
  element with the child's ``url_name``, filled by the block's own ``add_xml_to_node``; blocks from
  outside edx-platform are written inline there (openedx/XBlock#823, edx-platform's demo course);
* ``XmlMixin`` (``xmodule/xml_block.py``) writes each file with
  ``ElementTree(element).write(file, pretty_print=True, encoding='utf-8')``;
* an import runtime exposes the course folder as ``resources_fs``; a pointer tag
  (``is_pointer_tag``) has its definition in ``<tag>/<url_name>.xml``, which pure XBlocks load
  themselves (openedx/xblocks-contrib, decision 0002; edx-platform#37133 was reverted by #37426).
"""
from pathlib import Path

import pytest
from lxml import etree
from xblock.fields import Scope, ScopeIds

from xblocks.problems import ContentError

from ..credentials.support import DEMO_XML
from ..openedx_rules import is_pointer_tag
from ..scenario.support import ScenarioTestRuntime, small_scenario


class CourseFolder:
    """The part of pyfilesystem2's ``OSFS`` (the platform's ``resources_fs``) that blocks use.

    ``fs`` itself imports ``pkg_resources``, which current setuptools no longer ships; where it
    imports (the platform's environment), the real ``OSFS`` is used instead.
    """

    def __init__(self, root):
        self.root = Path(root)

    def exists(self, path):
        return (self.root / path).exists()

    def open(self, path, mode='r', **kwargs):
        return open(self.root / path, mode, **kwargs)


try:
    from fs.osfs import OSFS as CourseFolder  # noqa: F811
except ImportError:
    pass


class ImportRuntime(ScenarioTestRuntime):
    """Our test runtime with the course folder as ``resources_fs``, as the platform's import runtime has."""

    def __init__(self, course_dir):
        super().__init__()
        self.resources_fs = CourseFolder(str(course_dir))


def import_vertical(runtime, path):
    """The vertical's children as blocks, each parsed by its own class (``parse_xml``)."""
    root = etree.parse(str(path), etree.XMLParser(remove_blank_text=False)).getroot()
    blocks = []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        def_id = runtime.id_generator.create_definition(node.tag, node.get('url_name'))
        keys = ScopeIds(None, node.tag, def_id, runtime.id_generator.create_usage(def_id))
        block = runtime.load_block_type(node.tag).parse_xml(node, runtime, keys)
        block.save()
        blocks.append((node.get('url_name'), block))
    return root.get('display_name'), blocks


def export_vertical(display_name, blocks, course_dir, url_name):
    """``vertical/<url_name>.xml`` as Studio writes it (see the module docstring)."""
    vertical = etree.Element('vertical', display_name=display_name)
    for child_url_name, block in blocks:
        child = etree.SubElement(vertical, 'unknown')
        child.set('url_name', child_url_name)
        block.add_xml_to_node(child)
    path = course_dir / 'vertical' / f'{url_name}.xml'
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'wb') as output:
        etree.ElementTree(vertical).write(output, pretty_print=True, encoding='utf-8')
    return path


def authored_blocks():
    runtime = ScenarioTestRuntime()
    scenario = runtime.get_block(runtime.parse_xml_string(small_scenario()))
    widget = runtime.get_block(runtime.parse_xml_string(DEMO_XML))
    return [('benefits', scenario), ('progress', widget)]


def fields(block):
    return {name: getattr(block, name) for name, field in block.fields.items()
            if field.scope in (Scope.content, Scope.settings) and name not in ('parent', 'children')}


def test_export_import_export_is_byte_stable_for_a_course_laid_out_as_studio_writes_it(tmp_path):
    first_dir, second_dir = tmp_path / 'first', tmp_path / 'second'
    first = export_vertical('Unit 1', authored_blocks(), first_dir, 'unit1').read_bytes()
    assert b'<magix_scenario url_name="benefits" xblock-family="xblock.v1"' in first
    assert b'<scenario start="intake">' in first and b'<pathway ' in first and b'scenario_xml=' not in first
    display_name, blocks = import_vertical(ImportRuntime(first_dir), first_dir / 'vertical' / 'unit1.xml')
    second = export_vertical(display_name, blocks, second_dir, 'unit1').read_bytes()
    assert second == first
    reimported = dict(blocks)
    assert reimported['benefits'].weight == 2.0 and reimported['benefits'].scenario().start == 'intake'
    assert reimported['progress'].pathway_xml == dict(authored_blocks())['progress'].pathway_xml


def test_pointer_tags_import_like_the_inline_form_and_export_inline(tmp_path):
    authored = authored_blocks()
    inline_dir = tmp_path / 'inline'
    inline = export_vertical('Unit 1', authored, inline_dir, 'unit1')
    # The pointer layout: the vertical holds <tag url_name=".."/>, the definition its own file.
    pointer_dir = tmp_path / 'pointer'
    vertical = etree.Element('vertical', display_name='Unit 1')
    for node in etree.parse(str(inline)).getroot():
        etree.SubElement(vertical, node.tag, url_name=node.get('url_name'))
        definition = etree.Element(node.tag, {key: value for key, value in node.attrib.items() if key != 'url_name'})
        definition.extend(list(node))
        target = pointer_dir / node.tag / f'{node.get("url_name")}.xml'
        target.parent.mkdir(parents=True)
        etree.ElementTree(definition).write(str(target), pretty_print=True, encoding='utf-8')
    (pointer_dir / 'vertical').mkdir()
    etree.ElementTree(vertical).write(str(pointer_dir / 'vertical' / 'unit1.xml'), pretty_print=True, encoding='utf-8')
    assert all(is_pointer_tag(node) for node in vertical)

    _, blocks = import_vertical(ImportRuntime(pointer_dir), pointer_dir / 'vertical' / 'unit1.xml')
    for (_, original), (_, imported) in zip(authored, blocks):
        assert fields(imported) == fields(original)
    exported = export_vertical('Unit 1', blocks, tmp_path / 'again', 'unit1')
    assert exported.read_bytes() == inline.read_bytes()


def test_a_pointer_to_a_missing_file_is_an_import_error_naming_the_file(tmp_path):
    (tmp_path / 'vertical').mkdir()
    (tmp_path / 'vertical' / 'unit1.xml').write_text('<vertical><magix_scenario url_name="ghost"/></vertical>')
    with pytest.raises(ContentError) as error:
        import_vertical(ImportRuntime(tmp_path), tmp_path / 'vertical' / 'unit1.xml')
    assert 'magix_scenario/ghost.xml' in str(error.value)


def test_a_broken_pointed_file_is_an_import_error_naming_the_file(tmp_path):
    (tmp_path / 'vertical').mkdir()
    (tmp_path / 'magix_credential_progress').mkdir()
    (tmp_path / 'magix_credential_progress' / 'p.xml').write_text('<magix_credential_progress><pathway>')
    (tmp_path / 'vertical' / 'unit1.xml').write_text('<vertical><magix_credential_progress url_name="p"/></vertical>')
    with pytest.raises(ContentError) as error:
        import_vertical(ImportRuntime(tmp_path), tmp_path / 'vertical' / 'unit1.xml')
    assert 'magix_credential_progress/p.xml cannot be read' in str(error.value)


def test_a_pointer_given_where_content_belongs_says_where_the_content_is():
    from xblocks.scenario.olx import parse_scenario
    from xblocks.scenario.problems import ScenarioError
    with pytest.raises(ScenarioError) as error:
        parse_scenario('<magix_scenario url_name="eligibility"/>')
    assert 'its content is in magix_scenario/eligibility.xml' in str(error.value)
