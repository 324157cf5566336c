"""A credential pathway as data: a programme made of micro-credentials made of requirements.

Immutable records read from pathway XML (``pathway_xml.py``); nothing here touches Django or
XBlock. Every micro-credential carries the elements of Annex I of the Council Recommendation
on micro-credentials (2022); elements a micro-credential does not state are inherited from
its programme when the XML is read, so every record here is complete.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey

BLOCK, COURSE, CREDENTIAL = 'block', 'course', 'credential'
PARTICIPATION_FORMS = ('online', 'onsite', 'blended')


@dataclass(frozen=True)
class Text:
    """One text in several languages: ``{'en': ..., 'fr': ...}`` as sorted pairs."""
    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, mapping: dict[str, str]) -> 'Text':
        return cls(tuple(sorted((lang, text) for lang, text in mapping.items() if text)))

    def as_dict(self) -> dict[str, str]:
        return dict(self.values)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang, _ in self.values)

    def get(self, language: str | None, fallback: str = 'en') -> str:
        """The text in ``language`` (or its base, ``fr`` for ``fr-ca``), else the fallback, else any."""
        texts = self.as_dict()
        for candidate in (language, (language or '').split('-')[0], fallback):
            if candidate and candidate in texts:
                return texts[candidate]
        return next(iter(texts.values()), '')

    def __bool__(self):
        return bool(self.values)


@dataclass(frozen=True)
class Organisation:
    """An awarding body: a university, a school of public administration, a ministry."""
    id: str
    name: Text
    country: str  # ISO 3166-1 alpha-2, e.g. "LU"
    homepage: str = ''
    legal_identifier: str = ''
    email: str = ''
    line: int | None = None


@dataclass(frozen=True)
class Requirement:
    """What a learner must achieve: a block, a whole course, or another micro-credential.

    ``key`` is an edx-opaque-keys usage key (``block``), course key (``course``) or a
    credential id (``credential``). ``min_score`` (0-1, earned/possible) and ``completion``
    (0-1) are thresholds; when both are given both must be reached.
    """
    kind: str
    key: str
    min_score: float | None = None
    completion: float | None = None
    label: Text = Text()
    line: int | None = None
    # The opaque key parsed from ``key`` when the XML was read (None: parsed on first use).
    parsed: object = field(default=None, compare=False, repr=False)


class KeyIndex:
    """The block and course keys of a pathway, each parsed once, and which belong to which course.

    Built once per ``Pathway`` (pathways are cached per XML text), so computing a learner's
    progress parses no key: results sources ask it which keys are course keys and which blocks
    are in the current course.
    """

    def __init__(self, requirements):
        self.parsed: dict[str, object] = {}
        for requirement in requirements:
            if requirement.key not in self.parsed:
                self.parsed[requirement.key] = requirement.parsed or parse_key(requirement.kind, requirement.key)
        self.courses = frozenset(key for key, parsed in self.parsed.items() if isinstance(parsed, CourseKey))
        self._in_course: dict[str, dict] = {}

    def usages_in(self, course_key: str) -> dict:
        """``{key string: UsageKey}`` of the block keys in ``course_key`` (computed once per course)."""
        found = self._in_course.get(course_key)
        if found is None:
            found = self._in_course[course_key] = {
                key: parsed for key, parsed in self.parsed.items()
                if isinstance(parsed, UsageKey) and str(parsed.course_key) == course_key}
        return found


def parse_key(kind: str, key: str):
    """The usage or course key object of a requirement; None when it is not one."""
    try:
        return (UsageKey if kind == BLOCK else CourseKey).from_string(key)
    except InvalidKeyError:
        return None


class ResultKeys(list):
    """The keys a pathway reads (a list of strings), with the pathway's ``KeyIndex`` for sources that use it."""

    def __init__(self, keys, key_index: KeyIndex):
        super().__init__(keys)
        self.key_index = key_index


@dataclass(frozen=True)
class MicroCredential:
    """One micro-credential with the Annex I elements (learner and date are added at issue)."""
    id: str
    title: Text
    ects: Decimal
    eqf_level: int
    learning_outcomes: tuple[Text, ...]
    awarded_by: tuple[str, ...]
    assessment: Text
    participation: str
    quality_assurance: Text
    requirements: tuple[Requirement, ...] = ()
    children: tuple['MicroCredential', ...] = ()
    description: Text = Text()
    hours: int | None = None
    prerequisites: Text = Text()
    identity_verification: Text = Text()
    further_information: str = ''
    valid_months: int | None = None
    line: int | None = None

    @property
    def contained_ids(self) -> tuple[str, ...]:
        """Micro-credentials stacked inside this one: nested inline or required by reference."""
        return tuple(child.id for child in self.children) + tuple(
            requirement.key for requirement in self.requirements if requirement.kind == CREDENTIAL)


@dataclass(frozen=True)
class Programme:
    """The qualification the micro-credentials stack into (a joint master's, a certificate)."""
    id: str
    title: Text
    ects: Decimal
    eqf_level: int
    awarded_by: tuple[str, ...]
    credentials: tuple[MicroCredential, ...]
    description: Text = Text()
    issued_by: str = ''
    line: int | None = None


@dataclass(frozen=True)
class Pathway:
    """A whole pathway: organisations, the programme and its default language."""
    id: str
    programme: Programme
    organisations: tuple[Organisation, ...]
    default_language: str = 'en'
    _credentials: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _organisations: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        def walk(credentials):
            for credential in credentials:
                self._credentials.setdefault(credential.id, credential)
                walk(credential.children)
        walk(self.programme.credentials)
        for organisation in self.organisations:
            self._organisations.setdefault(organisation.id, organisation)

    @property
    def credentials(self) -> list[MicroCredential]:
        """Every micro-credential, nested ones first (the order a learner earns them)."""
        found = []

        def walk(credentials):
            for credential in credentials:
                walk(credential.children)
                found.append(credential)
        walk(self.programme.credentials)
        return found

    def credential(self, credential_id: str) -> MicroCredential | None:
        return self._credentials.get(credential_id)

    def organisation(self, organisation_id: str) -> Organisation | None:
        return self._organisations.get(organisation_id)

    def awarding_bodies(self, credential: MicroCredential | Programme) -> list[Organisation]:
        return [self._organisations[org] for org in credential.awarded_by if org in self._organisations]

    def issuer(self) -> Organisation | None:
        """The awarding body that signs on behalf of all (``issued-by``, else the first)."""
        org_id = self.programme.issued_by or next(iter(self.programme.awarded_by), '')
        return self._organisations.get(org_id)

    def result_keys(self) -> ResultKeys:
        """Every block and course key the pathway reads, once, in document order (computed once)."""
        if 'result_keys' not in self._memo:
            requirements = [requirement for credential in self.credentials
                            for requirement in credential.requirements if requirement.kind != CREDENTIAL]
            index = KeyIndex(requirements)
            self._memo['result_keys'] = (list(index.parsed), index)
        keys, index = self._memo['result_keys']
        return ResultKeys(keys, index)

    def own_ects(self, credential: MicroCredential) -> Decimal:
        """Workload of a credential beyond the micro-credentials stacked inside it."""
        contained = sum((self._credentials[cid].ects for cid in credential.contained_ids if cid in self._credentials),
                        Decimal(0))
        return credential.ects - contained
