"""Checking a credential file: signature, expiry, structure, and the specification when available.

Reads the two formats we issue, told apart by their shape: an OB 3.0 VC-JWT (compact JWS
text) or a sealed ELM v3 credential (flattened JWS JSON with the credential as its payload).
Every finding is a plain sentence; ``Report.exit_code`` tells a script what went wrong first.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .signing import SignatureError, read_token, verify_token
from . import specs

OK, BAD_SIGNATURE, EXPIRED, INVALID, UNREADABLE, CHECKER_MISSING = 0, 1, 2, 3, 4, 5
# The Python package each specification check needs (the ``credentials`` extra installs them).
CHECKERS = {'jsonschema': 'the OB 3.0 JSON Schema', 'pyshacl': 'the EDC SHACL shapes', 'rdflib': 'the EDC SHACL shapes'}
OPEN_BADGE, EUROPEAN = 'Open Badges 3.0 AchievementCredential (VC-JWT)', 'ELM v3 European Digital Credential (JWS)'


@dataclass
class Report:
    kind: str = ''
    credential: dict | None = None
    problems: list[tuple[int, str]] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    def fail(self, code: int, message: str):
        self.problems.append((code, message))

    @property
    def exit_code(self) -> int:
        return min((code for code, _ in self.problems), default=OK)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def verdict(self) -> str:
        """VALID, INVALID, or UNCHECKED when the only problem is a specification checker not installed."""
        if self.ok:
            return 'VALID'
        return 'UNCHECKED' if self.exit_code == CHECKER_MISSING else 'INVALID'


def _parse_time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace('Z', '+00:00'))
    except ValueError:
        return None


def structural_problems(credential: dict, kind: str) -> list[str]:
    """Our own checks, with no specification files: the fields a verifier relies on."""
    problems = []
    types = credential.get('type', [])
    expected = 'AchievementCredential' if kind == OPEN_BADGE else 'EuropeanDigitalCredential'
    if expected not in types and not (kind == OPEN_BADGE and 'OpenBadgeCredential' in types):
        problems.append(f'type must include {expected}')
    for name in ('id', 'issuer', 'credentialSubject', 'validFrom'):
        if not credential.get(name):
            problems.append(f'{name} is missing')
    if kind == OPEN_BADGE:
        achievement = credential.get('credentialSubject', {}).get('achievement', {})
        if achievement.get('achievementType') != 'MicroCredential':
            problems.append('the achievement is not a MicroCredential')
        if not isinstance(achievement.get('creditsAvailable'), (int, float)):
            problems.append('the achievement states no ECTS credits (creditsAvailable)')
    else:
        claims = credential.get('credentialSubject', {}).get('hasClaim') or [{}]
        claim = claims[0] if isinstance(claims, list) else claims
        spec = claim.get('specifiedBy', {})
        for name, where in (('learning outcomes', spec.get('learningOutcome')), ('ECTS', spec.get('creditPoint')),
                            ('EQF level', spec.get('eqfLevel')), ('form of participation', spec.get('mode')),
                            ('awarding body', claim.get('awardedBy', {}).get('awardingBody')),
                            ('assessment', claim.get('provenBy'))):
            if not where:
                problems.append(f'the achievement has no {name}')
    return problems


def check_validity_period(credential: dict, report: Report, now: datetime):
    valid_from, valid_until = _parse_time(credential.get('validFrom')), _parse_time(credential.get('validUntil'))
    if valid_until and valid_until <= now:
        report.fail(EXPIRED, f'expired on {credential["validUntil"]}')
    elif valid_from and valid_from > now:
        report.fail(EXPIRED, f'not valid before {credential["validFrom"]}')
    else:
        report.checks.append('within its validity period' + (f' (until {credential["validUntil"]})'
                                                             if valid_until else ' (no expiry)'))


def verify_text(text: str, keys: list, specs_dir: Path | None = None, now: datetime | None = None) -> Report:
    """Verify the content of a credential file with the given public keys."""
    report = Report()
    now = now or datetime.now(timezone.utc)
    text = text.strip()
    if text.startswith('{'):
        try:
            outer = json.loads(text)
        except ValueError as error:
            report.fail(UNREADABLE, f'the file is not JSON ({error})')
            return report
        if not isinstance(outer, dict) or 'payload' not in outer or 'signature' not in outer:
            report.fail(UNREADABLE, 'the JSON file is not a signed credential (no JWS "payload" and "signature")')
            return report
        report.kind = EUROPEAN
    else:
        report.kind = OPEN_BADGE
    try:
        _, unverified = read_token(text)
    except SignatureError as error:
        report.fail(UNREADABLE, f'the file is not a credential we can read: {error}')
        return report
    report.credential = unverified
    if not keys:
        report.fail(BAD_SIGNATURE, 'no key to check the signature with (give --key or --jwks)')
    else:
        try:
            header, report.credential = verify_token(text, keys)
            report.checks.append(f'signature valid ({header["alg"]}, kid {header.get("kid")})')
        except SignatureError as error:
            report.fail(BAD_SIGNATURE, f'signature: {error}')
    credential = report.credential
    check_validity_period(credential, report, now)
    if report.kind == OPEN_BADGE:
        for claim, value in (('exp', credential.get('validUntil')), ('nbf', credential.get('validFrom'))):
            if claim in credential and value and _parse_time(value) and \
                    int(_parse_time(value).timestamp()) != credential[claim]:
                report.fail(INVALID, f'the JWT claim {claim} does not match the credential')
        credential = {name: value for name, value in credential.items()
                      if name not in ('iss', 'jti', 'sub', 'nbf', 'exp')}
        report.credential = credential
    for problem in structural_problems(credential, report.kind):
        report.fail(INVALID, problem)
    if specs_dir is None:
        report.checks.append('specification files not found: schema/SHACL check skipped')
        return report
    try:
        errors = (specs.openbadges_schema_errors(credential, specs_dir) if report.kind == OPEN_BADGE
                  else specs.edc_shacl_violations(credential, specs_dir))
    except ImportError as error:
        missing = (error.name or '').split('.')[0]
        report.fail(CHECKER_MISSING, f'cannot check against {CHECKERS.get(missing, "the specification")}: '
                                     f'the Python package {missing or error} is not installed '
                                     '(pip install "magix-openedx[credentials]")')
        return report
    for error in errors:
        report.fail(INVALID, f'specification: {error}')
    if not errors:
        report.checks.append('conforms to ' + ('the OB 3.0 JSON Schema' if report.kind == OPEN_BADGE
                                               else 'the EDC SHACL shapes (EDC-generic-no-cv)'))
    return report
