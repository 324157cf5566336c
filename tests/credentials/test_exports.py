"""The two verifiable exports: specification conformance, signatures, tampering, expiry, the CLI.

The Open Badges 3.0 credential is validated with the 1EdTech JSON Schema (Draft 2019-09 with
format checks) and the ELM v3 credential with the EDC SHACL shapes through pyshacl, both
offline against ``../shared/specs``.
"""
import base64
import re
import json
from datetime import datetime, timedelta, timezone

import pytest
from jsonschema import Draft201909Validator, FormatChecker
from rdflib import Namespace

import magix
from xblocks.credentials import specs, verification
from xblocks.credentials.award import Award
from xblocks.credentials.elm import build_european_credential
from xblocks.credentials.exports import signed_file
from xblocks.credentials.keys import generate_issuer_key, load_verification_keys
from xblocks.credentials.openbadges import build_achievement_credential
from xblocks.credentials.signing import sign_vc_jwt

from .support import SPECS, demo_pathway

needs_specs = pytest.mark.skipif(not (SPECS / specs.OB_SCHEMA).is_file(),
                                 reason=f'specification files not found at {SPECS} (see the shared specs README)')
ELM = Namespace('http://data.europa.eu/snb/model/elm/')
FOAF = Namespace('http://xmlns.com/foaf/0.1/')
DCT = Namespace('http://purl.org/dc/terms/')
ISSUED = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


def award(credential_id='eligibility', **changes):
    pathway = demo_pathway()
    values = dict(learner_id='urn:magix:learner:0123456789abcdef', learner_name='Ana Andromeda',
                  issuer_id='https://espad.example.eu/magix/issuer', issued_at=ISSUED, grade=0.85,
                  credential_uri='urn:uuid:6f1c2f7e-1c4e-4c1e-9b43-8d2a4c3f0e11')
    values.update(changes)
    return Award(pathway, pathway.credential(credential_id), **values)


@pytest.fixture(scope='module')
def key(tmp_path_factory):
    return generate_issuer_key(tmp_path_factory.mktemp('keys') / 'issuer.pem')


@pytest.fixture(scope='module')
def public_keys(key, tmp_path_factory):
    path = tmp_path_factory.mktemp('jwks') / 'jwks.json'
    path.write_text(json.dumps(key.jwks()))
    return load_verification_keys(jwks_path=path)


@needs_specs
@pytest.mark.parametrize('credential_id', ['eligibility', 'rights-and-data', 'pilot-to-production'])
def test_open_badge_conforms_to_the_ob3_json_schema(credential_id):
    credential = build_achievement_credential(award(credential_id))
    schema = json.loads((SPECS / specs.OB_SCHEMA).read_text())
    errors = list(Draft201909Validator(schema, format_checker=FormatChecker()).iter_errors(credential))
    assert errors == []


def test_open_badge_is_a_micro_credential_with_ects_and_every_awarding_body():
    credential = build_achievement_credential(award())
    assert credential['@context'][:2] == ['https://www.w3.org/ns/credentials/v2',
                                          'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']
    assert credential['type'] == ['VerifiableCredential', 'AchievementCredential']
    achievement = credential['credentialSubject']['achievement']
    assert achievement['achievementType'] == 'MicroCredential'
    assert achievement['creditsAvailable'] == 2 and credential['credentialSubject']['creditsEarned'] == 2
    assert achievement['alignment'][0]['targetCode'] == '7'
    assert [body['address']['addressCountryCode'] for body in achievement['awardingBody']] == ['DE', 'PT', 'BE']
    assert credential['issuer']['id'] == 'https://espad.example.eu/magix/issuer'
    assert credential['validFrom'] == '2026-11-20T09:30:00Z' and credential['validUntil'] == '2031-11-20T09:30:00Z'
    assert credential['credentialSubject']['result'][0]['value'] == '85%'


@needs_specs
@pytest.mark.parametrize('credential_id', ['eligibility', 'rights-and-data', 'genai-communications'])
def test_european_credential_has_zero_shacl_violations(credential_id):
    assert specs.edc_shacl_violations(build_european_credential(award(credential_id)), SPECS) == []


@needs_specs
def test_european_credential_carries_the_eleven_annex_elements_in_rdf():
    """Read back as RDF through the ELM context: undefined JSON terms would silently vanish here."""
    graph = specs.credential_graph(build_european_credential(award()), SPECS)
    claim = next(graph.subjects(ELM.awardedBy, None))
    spec = graph.value(claim, ELM.specifiedBy)
    assessment = graph.value(claim, ELM.provenBy)
    person = next(graph.subjects(ELM.hasClaim, claim))
    titles = {literal.language: str(literal) for literal in graph.objects(claim, DCT.title)}
    assert titles['fr'].startswith('Décisions automatisées') and titles['en'].startswith('Automated')  # 2. title
    assert str(graph.value(person, FOAF.fullName)) == 'Ana Andromeda'                                                 # 1. learner
    bodies = list(graph.objects(graph.value(claim, ELM.awardedBy), ELM.awardingBody))
    assert len(bodies) == 3                                                                               # 4. bodies
    countries = {str(graph.value(graph.value(graph.value(body, ELM.location), ELM.address), ELM.countryCode))
                 for body in bodies}
    assert {country.rsplit('/', 1)[-1] for country in countries} == {'DEU', 'PRT', 'BEL'}                 # 3. country
    assert graph.value(graph.value(claim, ELM.awardedBy), ELM.awardingDate) is not None                   # 5. date
    assert len(list(graph.objects(spec, ELM.learningOutcome))) == 2                                       # 6. outcomes
    credit = graph.value(spec, ELM.creditPoint)
    assert str(graph.value(credit, ELM.point)) == '2'                                                     # 7. ECTS
    assert str(graph.value(spec, ELM.EQFLevel)).endswith('/eqf/7')                                       # 8. EQF
    assert assessment is not None and graph.value(assessment, ELM.grade) is not None                      # 9. assessment
    assert str(graph.value(spec, ELM.mode)).endswith('/920fbb3cbe')                                       # 10. online
    notes = [str(literal) for note in graph.objects(spec, ELM.additionalNote)
             for literal in graph.objects(note, ELM.noteLiteral)]
    assert any('ESG' in text for text in notes)                                                           # 11. QA
    assert any(text.startswith('Compte pour') for text in notes)                                          # stackability


def test_open_badge_signature_round_trip(key, public_keys):
    name, content_type, body = signed_file(award(), key, 'openbadge')
    assert name == 'eligibility.ob3.jwt' and content_type == 'application/vc+jwt'
    header = json.loads(base64.urlsafe_b64decode(body.split(b'.')[0] + b'=='))
    assert header == {'alg': 'ES256', 'kid': key.kid, 'typ': 'JWT'}
    report = verification.verify_text(body.decode(), public_keys, SPECS if SPECS.is_dir() else None, ISSUED)
    assert report.ok, report.problems
    assert report.credential['credentialSubject']['achievement']['achievementType'] == 'MicroCredential'


def test_european_credential_signature_round_trip(key, public_keys):
    _, _, body = signed_file(award(), key, 'europass')
    sealed = json.loads(body)
    assert json.loads(sealed['payload'])['type'] == ['VerifiableCredential', 'EuropeanDigitalCredential']
    report = verification.verify_text(body.decode(), public_keys, SPECS if SPECS.is_dir() else None, ISSUED)
    assert report.ok, report.problems
    assert report.kind == verification.EUROPEAN


def tamper_jwt(token: str, change) -> str:
    header, payload, signature = token.split('.')
    claims = json.loads(base64.urlsafe_b64decode(payload + '=' * (-len(payload) % 4)))
    change(claims)
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip('=')
    return '.'.join([header, payload, signature])


def test_tampered_credentials_are_rejected(key, public_keys):
    token = signed_file(award(), key, 'openbadge')[2].decode()
    forged = tamper_jwt(token, lambda claims: claims['credentialSubject'].update(creditsEarned=60))
    report = verification.verify_text(forged, public_keys, None, ISSUED)
    assert report.exit_code == verification.BAD_SIGNATURE
    assert 'the credential was changed' in report.problems[0][1]
    sealed = signed_file(award(), key, 'europass')[2].decode().replace('Ana Andromeda', 'Eve Forger')
    assert verification.verify_text(sealed, public_keys, None, ISSUED).exit_code == verification.BAD_SIGNATURE


def test_another_issuers_key_is_rejected(public_keys, tmp_path):
    other = generate_issuer_key(tmp_path / 'other.pem')
    token = sign_vc_jwt(build_achievement_credential(award()), other)
    assert verification.verify_text(token, load_verification_keys(key_path=tmp_path / 'other.pem'), None, ISSUED).ok
    report = verification.verify_text(token, public_keys, None, ISSUED)
    assert report.exit_code == verification.BAD_SIGNATURE and 'no key with kid' in report.problems[0][1]
    report = verification.verify_text(token, [], None, ISSUED)
    assert report.exit_code == verification.BAD_SIGNATURE and 'no key' in report.problems[0][1]


def test_unsigned_algorithm_none_is_rejected(public_keys):
    credential = build_achievement_credential(award())
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip('=')
    payload = base64.urlsafe_b64encode(json.dumps(credential).encode()).decode().rstrip('=')
    report = verification.verify_text(f'{header}.{payload}.', public_keys, None, ISSUED)
    assert report.exit_code in (verification.BAD_SIGNATURE, verification.UNREADABLE)


def test_expired_and_not_yet_valid_credentials_are_rejected(key, public_keys):
    token = signed_file(award(), key, 'openbadge')[2].decode()
    later = verification.verify_text(token, public_keys, None, ISSUED + timedelta(days=366 * 5 + 1))
    assert later.exit_code == verification.EXPIRED and 'expired on 2031-11-20T09:30:00Z' in later.problems[0][1]
    earlier = verification.verify_text(token, public_keys, None, ISSUED - timedelta(days=1))
    assert earlier.exit_code == verification.EXPIRED and 'not valid before' in earlier.problems[0][1]


def test_cli_verify_exit_codes(key, tmp_path, capsys):
    key_path = tmp_path / 'issuer.pem'
    issued = magix.main(['credentials', 'issue', 'eligibility', '--learner-name', 'Ana Andromeda', '--key',
                         str(key_path if key_path.exists() else _write_key(key, key_path)),
                         '--format', 'europass', '-o', str(tmp_path / 'ana.edc.json')])
    assert issued == 0
    jwks = tmp_path / 'jwks.json'
    jwks.write_text(json.dumps(key.jwks()))
    assert magix.main(['credentials', 'verify', str(tmp_path / 'ana.edc.json'), '--jwks', str(jwks)]) == 0
    assert 'VALID' in capsys.readouterr().out
    tampered = tmp_path / 'tampered.edc.json'
    tampered.write_text((tmp_path / 'ana.edc.json').read_text().replace('Ana Andromeda', 'Eve'))
    assert magix.main(['credentials', 'verify', str(tampered), '--jwks', str(jwks)]) == verification.BAD_SIGNATURE
    out = capsys.readouterr().out
    assert 'PROBLEM: signature' in out and out.strip().endswith('INVALID')
    garbage = tmp_path / 'garbage.jwt'
    garbage.write_text('not a credential')
    assert magix.main(['credentials', 'verify', str(garbage), '--jwks', str(jwks)]) == verification.UNREADABLE
    assert magix.main(['credentials', 'verify', str(tmp_path / 'missing.jwt')]) == verification.UNREADABLE


def _write_key(key, path):
    path.write_bytes(key.private.export_to_pem(private_key=True, password=None))
    return path


def test_verification_without_specification_files_still_checks_structure(key, public_keys):
    credential = build_achievement_credential(award())
    del credential['credentialSubject']['achievement']['creditsAvailable']
    report = verification.verify_text(sign_vc_jwt(credential, key), public_keys, None, ISSUED)
    assert report.exit_code == verification.INVALID
    assert 'the achievement states no ECTS credits (creditsAvailable)' in [message for _, message in report.problems]
    assert any('skipped' in check for check in report.checks)


@needs_specs
@pytest.mark.parametrize('fmt, checker', [('openbadge', 'jsonschema'), ('europass', 'pyshacl')])
def test_cli_verify_with_a_checker_missing_exits_5_not_bad_signature(key, tmp_path, capsys, monkeypatch,
                                                                       fmt, checker):
    """A missing checker library is neither a bad signature (1) nor non-conformance (3): exit 5, UNCHECKED."""
    key_path = _write_key(key, tmp_path / 'issuer.pem')
    output = tmp_path / f'ana.{fmt}'
    assert magix.main(['credentials', 'issue', 'eligibility', '--learner-name', 'Ana Andromeda',
                       '--key', str(key_path), '--format', fmt, '-o', str(output)]) == 0
    jwks = tmp_path / 'jwks.json'
    jwks.write_text(json.dumps(key.jwks()))
    command = ['credentials', 'verify', str(output), '--jwks', str(jwks), '--specs', str(SPECS)]
    assert magix.main(command) == verification.OK  # the checkers are installed: the specification is checked
    assert 'ok: conforms to' in capsys.readouterr().out
    monkeypatch.setitem(__import__('sys').modules, checker, None)  # importing it now fails as if not installed
    assert magix.main(command) == verification.CHECKER_MISSING
    out = capsys.readouterr().out
    assert f'the Python package {checker} is not installed' in out and out.strip().endswith('UNCHECKED')
    assert 'ok: signature valid' in out
    # a bad signature still wins over the missing checker
    tampered = tmp_path / 'tampered'
    tampered.write_text(output.read_text().replace('Ana Andromeda', 'Eve') if fmt == 'europass'
                        else output.read_text()[:-4] + 'AAAA')
    assert magix.main(command[:2] + [str(tampered)] + command[3:]) == verification.BAD_SIGNATURE


def test_cli_verify_names_a_folder_that_is_not_the_specifications(key, tmp_path, capsys):
    key_path = _write_key(key, tmp_path / 'issuer.pem')
    assert magix.main(['credentials', 'issue', 'eligibility', '--learner-name', 'Ana', '--key', str(key_path),
                       '-o', str(tmp_path / 'ana.jwt')]) == 0
    assert magix.main(['credentials', 'verify', str(tmp_path / 'ana.jwt'), '--key', str(key_path),
                       '--specs', str(tmp_path)]) == verification.UNREADABLE
    assert 'is not a specification folder' in capsys.readouterr().err


def test_the_demo_and_credentials_extras_install_the_specification_checkers():
    """``make demo`` installs ``.[demo]``: ``verify --specs`` must find jsonschema and pyshacl there."""
    from importlib.metadata import requires
    wanted = {name: set() for name in ('jsonschema', 'pyshacl', 'rdflib')}
    for requirement in requires('magix-openedx'):
        name = re.split(r'[=<>!~;\[ ]', requirement, maxsplit=1)[0].lower()
        extra = re.search(r'extra == "([a-z]+)"', requirement)
        if name in wanted and extra:
            wanted[name].add(extra.group(1))
    assert all({'demo', 'credentials'} <= extras for extras in wanted.values()), wanted
