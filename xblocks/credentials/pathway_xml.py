"""Reading pathway XML (the ``<pathway>`` child of a ``magix_credential_progress`` OLX element).

The reader is strict: an element or attribute it does not know is reported (a typo such as
``min-scroe`` must not silently drop a requirement). Elements a micro-credential does not
state are inherited from ``<programme>``. Every problem names the element and line at fault.
See PATHWAY_FORMAT.md.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from lxml import etree
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey

from .. import xml_safety
from ..olx_content import element_xml, is_pointer_tag, pointer_problem
from .model import BLOCK, COURSE, CREDENTIAL, MicroCredential, Organisation, Pathway, Programme, Requirement, Text
from .problems import N_, PathwayError, Problem

PATHWAY_TAG = 'pathway'
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'
ID_PATTERN = re.compile(r'^[a-z0-9][a-z0-9-]{0,63}$')
EMAIL_PATTERN = re.compile(r'[^@\s<>"\':;,()\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}')

UNSAFE_XML_MESSAGES = {
    xml_safety.TOO_LARGE: N_('The pathway is larger than {limit} MB.'),
    xml_safety.EMPTY: N_('The pathway XML is empty.'),
    xml_safety.MALFORMED: N_('The XML is not well formed: {error}'),
    xml_safety.DOCTYPE: N_('DOCTYPE declarations are not allowed in pathway XML.'),
}

# Localised text elements shared by <programme> and <micro-credential>, and what a credential inherits.
TEXT_ELEMENTS = ('title', 'description', 'assessment', 'quality-assurance', 'prerequisites',
                 'identity-verification')
ALLOWED = {
    'pathway': ({'id', 'default-language'}, {'organisations', 'programme'}),
    'organisations': (set(), {'organisation'}),
    'organisation': ({'id', 'country', 'homepage', 'legal-id', 'email'}, {'name'}),
    'name': ({XML_LANG}, set()),
    'programme': ({'id', 'ects', 'eqf', 'awarded-by', 'issued-by', 'participation', 'further-information',
                   'valid-months'}, {*TEXT_ELEMENTS, 'micro-credential'}),
    'micro-credential': ({'id', 'ects', 'eqf', 'hours', 'awarded-by', 'participation', 'further-information',
                          'valid-months'}, {*TEXT_ELEMENTS, 'learning-outcomes', 'requirements', 'micro-credential'}),
    'learning-outcomes': ({XML_LANG}, {'outcome'}),
    'outcome': (set(), set()),
    'requirements': (set(), {'block', 'course', 'credential'}),
    'block': ({'usage', 'min-score', 'completion'}, {'label'}),
    'course': ({'key', 'min-score', 'completion'}, {'label'}),
    'credential': ({'ref'}, set()),
    'label': ({XML_LANG}, set()),
    **{tag: ({XML_LANG}, set()) for tag in TEXT_ELEMENTS},
}


def parse_xml_text(xml_text: str | bytes) -> etree._Element:
    """Parse untrusted pathway XML with the shared hardened parser; errors become ``PathwayError``."""
    try:
        return xml_safety.parse_untrusted_xml(xml_text)
    except xml_safety.UnsafeXML as error:
        raise PathwayError([Problem(UNSAFE_XML_MESSAGES[error.kind], error.params, line=error.line)]) from None


def find_pathway_element(root: etree._Element) -> etree._Element:
    """The ``<pathway>`` element itself, or the one inside a block element."""
    if root.tag == PATHWAY_TAG:
        return root
    found = root.find(PATHWAY_TAG)
    if found is None and is_pointer_tag(root):
        raise PathwayError([pointer_problem(root)])
    if found is None:
        raise PathwayError([Problem(N_('Expected a <pathway> element, found <{tag}>.'),
                                    {'tag': root.tag}, line=root.sourceline)])
    return found


def parse_pathway(xml_text: str | bytes) -> Pathway:
    """Read pathway XML text: a ``<pathway>`` element, or a block element holding one."""
    return pathway_from_element(parse_xml_text(xml_text))


def pathway_from_element(root: etree._Element) -> Pathway:
    """Build the model; problems of form (unknown elements, bad numbers or keys) raise ``PathwayError``."""
    reader = _Reader()
    pathway = reader.pathway(find_pathway_element(root))
    if reader.problems:
        raise PathwayError(reader.problems)
    return pathway


def canonical_xml(xml_text: str) -> str:
    """The pathway element as lxml writes it, so export → import → export is byte-stable."""
    return element_xml(find_pathway_element(parse_xml_text(xml_text)))


def plain_text(element: etree._Element) -> str:
    return ' '.join(''.join(element.itertext()).split())


class _Reader:
    """Walks one ``<pathway>`` element, collecting every problem rather than stopping at the first."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.default_language = 'en'

    def problem(self, message, element, node_id=None, **params):
        self.problems.append(Problem(message, params, node_id=node_id, line=getattr(element, 'sourceline', None)))

    def check_known(self, element, node_id=None):
        """Report attributes and child elements this format does not define."""
        attributes, children = ALLOWED.get(element.tag, (set(), set()))
        for name in element.attrib:
            if name not in attributes:
                self.problem(N_('<{tag}> has an unknown attribute "{attribute}".'), element, node_id,
                             tag=element.tag, attribute=name)
        for child in element:
            if isinstance(child.tag, str) and child.tag not in children:
                self.problem(N_('<{tag}> cannot contain <{child}>.'), child, node_id, tag=element.tag, child=child.tag)

    def identifier(self, element, kind):
        value = (element.get('id') or '').strip()
        if not value:
            self.problem(N_('A <{kind}> has no id.'), element, kind=kind)
        elif not ID_PATTERN.match(value):
            self.problem(N_('The id "{id}" must use lower-case letters, digits and hyphens.'), element, value, id=value)
        return value

    def language(self, element):
        return element.get(XML_LANG) or self.default_language

    def texts(self, parent, tag, node_id):
        """A language-keyed text from the ``<tag xml:lang="..">`` children of ``parent``."""
        found = {}
        for element in parent.findall(tag):
            self.check_known(element, node_id)
            language = self.language(element)
            if language in found:
                self.problem(N_('<{tag}> is given twice in the language "{language}".'), element, node_id,
                             tag=tag, language=language)
            found[language] = plain_text(element)
        return Text.of(found)

    def decimal(self, element, attribute, node_id, required=False):
        raw = element.get(attribute)
        if raw is None:
            if required:
                self.problem(N_('<{tag}> "{id}" has no {attribute}="...".'), element, node_id,
                             tag=element.tag, id=node_id, attribute=attribute)
            return None
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value <= 0:
            self.problem(N_('<{tag}> "{id}": {attribute}="{value}" must be a positive number.'), element, node_id,
                         tag=element.tag, id=node_id, attribute=attribute, value=raw)
            return None
        return value

    def integer(self, element, attribute, node_id, low, high):
        raw = element.get(attribute)
        if raw is None:
            return None
        try:
            value = int(raw.strip())
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            self.problem(N_('<{tag}> "{id}": {attribute}="{value}" must be a whole number from {low} to {high}.'),
                         element, node_id, tag=element.tag, id=node_id, attribute=attribute, value=raw,
                         low=low, high=high)
            return None
        return value

    def fraction(self, element, attribute, node_id):
        raw = element.get(attribute)
        if raw is None:
            return None
        try:
            value = float(raw.strip())
        except ValueError:
            value = -1.0
        if not 0.0 < value <= 1.0:
            self.problem(N_('Micro-credential "{id}": {attribute}="{value}" on a requirement must be above 0 and '
                            'at most 1; no learner could meet it otherwise.'),
                         element, node_id, id=node_id, attribute=attribute, value=raw)
            return None
        return value

    def web_address(self, element, attribute, node_id):
        """An http(s) address with a host, or '' with a problem naming the element: these
        addresses are published in signed credentials and as links (never ``javascript:``)."""
        raw = (element.get(attribute) or '').strip()
        if not raw:
            return ''
        try:
            parts = urlsplit(raw)
            usable = parts.scheme.lower() in ('http', 'https') and bool(parts.hostname)
        except ValueError:  # e.g. an unclosed IPv6 bracket
            usable = False
        if not usable or any(character.isspace() or ord(character) < 32 for character in raw):
            self.problem(N_('<{tag}> "{id}": {attribute}="{value}" must be a web address starting with '
                            'https:// or http://.'), element, node_id, tag=element.tag, id=node_id,
                         attribute=attribute, value=raw)
            return ''
        return raw

    def email_address(self, element, node_id):
        raw = (element.get('email') or '').strip()
        if raw and not EMAIL_PATTERN.fullmatch(raw):
            self.problem(N_('<{tag}> "{id}": email="{value}" is not an email address.'), element, node_id,
                         tag=element.tag, id=node_id, value=raw)
            return ''
        return raw

    def organisation(self, element):
        self.check_known(element)
        org_id = self.identifier(element, 'organisation')
        country = (element.get('country') or '').strip().upper()
        if not re.fullmatch(r'[A-Z]{2}', country):
            self.problem(N_('Organisation "{id}": country="{country}" must be a two-letter ISO 3166 code.'),
                         element, org_id, id=org_id, country=country)
        name = self.texts(element, 'name', org_id)
        if not name:
            self.problem(N_('Organisation "{id}" has no <name>.'), element, org_id, id=org_id)
        return Organisation(id=org_id, name=name, country=country,
                            homepage=self.web_address(element, 'homepage', org_id),
                            legal_identifier=(element.get('legal-id') or '').strip(),
                            email=self.email_address(element, org_id), line=element.sourceline)

    def requirement(self, element, credential_id):
        self.check_known(element, credential_id)
        if element.tag == 'credential':
            return Requirement(kind=CREDENTIAL, key=(element.get('ref') or '').strip(), line=element.sourceline)
        attribute, key_class, kind = (('usage', UsageKey, BLOCK) if element.tag == 'block'
                                      else ('key', CourseKey, COURSE))
        raw = (element.get(attribute) or '').strip()
        key, parsed = raw, None
        try:
            parsed = key_class.from_string(raw)
            key = str(parsed)
        except InvalidKeyError:
            self.problem(N_('Micro-credential "{id}": "{key}" is not a valid {kind} key.'), element, credential_id,
                         id=credential_id, key=raw, kind=kind)
        labels = {}
        for label in element.findall('label'):
            self.check_known(label, credential_id)
            labels[self.language(label)] = plain_text(label)
        return Requirement(kind=kind, key=key, min_score=self.fraction(element, 'min-score', credential_id),
                           completion=self.fraction(element, 'completion', credential_id),
                           label=Text.of(labels), line=element.sourceline, parsed=parsed)

    def outcomes(self, element, credential_id):
        """Learning outcomes: one ``<learning-outcomes xml:lang>`` list per language, paired by position."""
        by_language: dict[str, list[str]] = {}
        for group in element.findall('learning-outcomes'):
            self.check_known(group, credential_id)
            items = []
            for outcome in group.findall('outcome'):
                self.check_known(outcome, credential_id)
                items.append(plain_text(outcome))
            by_language[self.language(group)] = items
        counts = {len(items) for items in by_language.values()}
        if len(counts) > 1:
            self.problem(N_('Micro-credential "{id}": the learning outcomes are not listed in the same number '
                            'in every language.'), element, credential_id, id=credential_id)
            return ()
        count = counts.pop() if counts else 0
        return tuple(Text.of({language: items[index] for language, items in by_language.items()})
                     for index in range(count))

    def micro_credential(self, element, inherited):
        self.check_known(element)
        credential_id = self.identifier(element, 'micro-credential')
        texts = {tag: self.texts(element, tag, credential_id) or inherited.get(tag, Text()) for tag in TEXT_ELEMENTS}
        requirements = []
        for group in element.findall('requirements'):
            self.check_known(group, credential_id)
            requirements.extend(self.requirement(child, credential_id) for child in group
                                if isinstance(child.tag, str) and child.tag in ('block', 'course', 'credential'))
        eqf = self.integer(element, 'eqf', credential_id, 1, 8)
        return MicroCredential(
            id=credential_id,
            title=texts['title'],
            description=texts['description'],
            ects=self.decimal(element, 'ects', credential_id, required=True) or Decimal(0),
            hours=self.integer(element, 'hours', credential_id, 1, 100000),
            eqf_level=eqf if eqf is not None else inherited['eqf'],
            learning_outcomes=self.outcomes(element, credential_id),
            awarded_by=tuple((element.get('awarded-by') or '').split()) or inherited['awarded-by'],
            assessment=texts['assessment'],
            participation=(element.get('participation') or inherited['participation']).strip(),
            quality_assurance=texts['quality-assurance'],
            prerequisites=texts['prerequisites'],
            identity_verification=texts['identity-verification'],
            further_information=self.web_address(element, 'further-information', credential_id)
            or inherited['further-information'],
            valid_months=self.integer(element, 'valid-months', credential_id, 1, 1200) or inherited['valid-months'],
            requirements=tuple(requirements),
            children=tuple(self.micro_credential(child, inherited) for child in element.findall('micro-credential')),
            line=element.sourceline,
        )

    def programme(self, element):
        self.check_known(element)
        programme_id = self.identifier(element, 'programme')
        eqf = self.integer(element, 'eqf', programme_id, 1, 8)
        inherited = {tag: self.texts(element, tag, programme_id) for tag in TEXT_ELEMENTS}
        inherited.pop('title')
        inherited.pop('description')
        inherited.update({
            'eqf': eqf or 0,
            'awarded-by': tuple((element.get('awarded-by') or '').split()),
            'participation': element.get('participation') or '',
            'further-information': self.web_address(element, 'further-information', programme_id),
            'valid-months': self.integer(element, 'valid-months', programme_id, 1, 1200),
        })
        return Programme(
            id=programme_id,
            title=self.texts(element, 'title', programme_id),
            description=self.texts(element, 'description', programme_id),
            ects=self.decimal(element, 'ects', programme_id, required=True) or Decimal(0),
            eqf_level=eqf or 0,
            awarded_by=inherited['awarded-by'],
            issued_by=(element.get('issued-by') or '').strip(),
            credentials=tuple(self.micro_credential(child, inherited) for child in element.findall('micro-credential')),
            line=element.sourceline,
        )

    def pathway(self, element):
        self.check_known(element)
        self.default_language = (element.get('default-language') or 'en').strip()
        pathway_id = self.identifier(element, 'pathway')
        organisations = []
        for group in element.findall('organisations'):
            self.check_known(group)
            organisations.extend(self.organisation(child) for child in group.findall('organisation'))
        programme_element = element.find('programme')
        if programme_element is None:
            self.problem(N_('The pathway has no <programme>.'), element)
            programme = Programme(id='', title=Text(), ects=Decimal(0), eqf_level=0, awarded_by=(), credentials=())
        else:
            programme = self.programme(programme_element)
        return Pathway(id=pathway_id, programme=programme, organisations=tuple(organisations),
                       default_language=self.default_language)
