"""The Open Badges 3.0 ``AchievementCredential`` of an award (W3C VC 2.0 data model).

The achievement is a ``MicroCredential`` with its ECTS in ``creditsAvailable`` (and earned in
``creditsEarned``), its EQF level as an alignment, and every awarding body of a joint award
under ``awardingBody`` (a term mapped to ELM's ``awardingBody`` in an inline context, because
OB 3.0 has a single ``issuer``). The issuer is the awarding body that signs for all of them.
"""
from __future__ import annotations

from decimal import Decimal

from .award import Award, timestamp
from .model import Organisation

VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2'
OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
OB_SCHEMA_URL = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json'
EXTENSION_CONTEXT = {
    'awardingBody': {'@id': 'http://data.europa.eu/snb/model/elm/awardingBody', '@container': '@set'},
}
EQF_FRAMEWORK = 'European Qualifications Framework'


def profile(organisation: Organisation, language: str, identifier: str | None = None) -> dict:
    found = {
        'id': identifier or organisation.homepage or f'urn:magix:organisation:{organisation.id}',
        'type': ['Profile'],
        'name': organisation.name.get(language),
        'address': {'type': ['Address'], 'addressCountryCode': organisation.country},
    }
    if organisation.homepage:
        found['url'] = organisation.homepage
    if organisation.email:
        found['email'] = organisation.email
    return found


def ects_number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def build_achievement_credential(award: Award) -> dict:
    """The unsigned credential; ``signing.sign_vc_jwt`` turns it into a VC-JWT."""
    credential, pathway = award.credential, award.pathway
    language = pathway.default_language
    bodies = award.awarding_bodies
    names = ', '.join(body.name.get(language) for body in bodies)
    outcomes = '\n'.join(f'- {outcome.get(language)}' for outcome in credential.learning_outcomes)
    achievement = {
        'id': f'{award.issuer_id.rstrip("/")}/achievements/{pathway.id}/{credential.id}',
        'type': ['Achievement'],
        'achievementType': 'MicroCredential',
        'name': credential.title.get(language),
        'description': (credential.description.get(language) or pathway.programme.title.get(language)),
        'criteria': {'narrative': f'Learning outcomes:\n{outcomes}\n\nAssessment: {credential.assessment.get(language)}'
                                  f'\n\nAwarded jointly by {names}.'},
        'creditsAvailable': ects_number(credential.ects),
        'fieldOfStudy': pathway.programme.title.get(language),
        'humanCode': credential.id,
        'inLanguage': language,
        'alignment': [{'type': ['Alignment'], 'targetName': f'EQF level {credential.eqf_level}',
                       'targetFramework': EQF_FRAMEWORK, 'targetCode': str(credential.eqf_level),
                       'targetUrl': f'http://data.europa.eu/snb/eqf/{credential.eqf_level}'}],
        'creator': profile(award.issuer, language, award.issuer_id),
        'awardingBody': [profile(body, language) for body in bodies],
    }
    subject = {
        'id': award.learner_id,
        'type': ['AchievementSubject'],
        'achievement': achievement,
        'creditsEarned': ects_number(credential.ects),
        'identifier': [{'type': 'IdentityObject', 'identityType': 'name', 'hashed': False,
                        'identityHash': award.learner_name}],
    }
    if award.grade is not None:
        subject['result'] = [{'type': ['Result'], 'value': f'{round(award.grade * 100)}%'}]
    found = {
        '@context': [VC_CONTEXT, OB_CONTEXT, EXTENSION_CONTEXT],
        'id': award.credential_uri,
        'type': ['VerifiableCredential', 'AchievementCredential'],
        'name': credential.title.get(language),
        'issuer': profile(award.issuer, language, award.issuer_id),
        'validFrom': timestamp(award.issued_at),
        'awardedDate': timestamp(award.issued_at),
        'credentialSubject': subject,
        'credentialSchema': [{'id': OB_SCHEMA_URL, 'type': '1EdTechJsonSchemaValidator2019'}],
    }
    if award.expires_at:
        found['validUntil'] = timestamp(award.expires_at)
    return found
