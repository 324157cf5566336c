"""The European Learning Model v3 (Europass Digital Credentials) JSON-LD credential of an award.

It carries the eleven mandatory elements of Annex I of the Council Recommendation on
micro-credentials (2022), with language-keyed texts in every language the pathway provides:

==========================  =====================================================================
Annex I element             where it is in the credential
==========================  =====================================================================
learner identification      ``credentialSubject`` (Person: ``fullName``, ``identifier``)
title                       ``hasClaim.title`` and ``hasClaim.specifiedBy.title``
country of the issuer       ``location.address.countryCode`` of the issuer and of each awarding body
awarding body(ies)          ``hasClaim.awardedBy.awardingBody`` (all bodies of a joint award)
date of issue               ``issued`` / ``validFrom`` and ``awardedBy.awardingDate``
learning outcomes           ``specifiedBy.learningOutcome[].title``
notional workload (ECTS)    ``specifiedBy.creditPoint`` (ECTS framework) and ``volumeOfLearning``
EQF level                   ``specifiedBy.eqfLevel``
type of assessment          ``hasClaim.provenBy`` (LearningAssessment and its specification)
form of participation       ``specifiedBy.mode`` (Europass modes of learning and assessment)
type of quality assurance   ``specifiedBy.additionalNote`` with subject "quality assurance"
==========================  =====================================================================

Optional elements: prerequisites (``entryRequirement``), identity verification and grade (on
the assessment), stackability (``isPartOf`` and a note), further information
(``supplementaryDocument``). Controlled-vocabulary concepts use the EU vocabulary IRIs.
"""
from __future__ import annotations

import base64
from xml.sax.saxutils import escape

from .award import Award, timestamp
from .model import MicroCredential, Organisation, Text

CONTEXTS = ['https://www.w3.org/2018/credentials/v1', 'http://data.europa.eu/snb/model/context/edc-ap']
SCHEMA = {'id': 'http://data.europa.eu/snb/model/ap/edc-generic-full', 'type': 'ShaclValidator2017'}
EU_AUTHORITY = 'http://publications.europa.eu/resource/authority'
SNB = 'http://data.europa.eu/snb'
MODES = {'online': '920fbb3cbe', 'blended': 'e92d221e4d', 'onsite': '9191af2ed9'}
MODE_LABELS = {'online': 'Online', 'blended': 'Blended', 'onsite': 'Presential'}
COUNTRIES_ISO3 = {
    'AT': 'AUT', 'BE': 'BEL', 'BG': 'BGR', 'HR': 'HRV', 'CY': 'CYP', 'CZ': 'CZE', 'DK': 'DNK', 'EE': 'EST',
    'FI': 'FIN', 'FR': 'FRA', 'DE': 'DEU', 'GR': 'GRC', 'HU': 'HUN', 'IE': 'IRL', 'IT': 'ITA', 'LV': 'LVA',
    'LT': 'LTU', 'LU': 'LUX', 'MT': 'MLT', 'NL': 'NLD', 'PL': 'POL', 'PT': 'PRT', 'RO': 'ROU', 'SK': 'SVK',
    'SI': 'SVN', 'ES': 'ESP', 'SE': 'SWE', 'IS': 'ISL', 'LI': 'LIE', 'NO': 'NOR', 'CH': 'CHE', 'GB': 'GBR',
    'UA': 'UKR', 'RS': 'SRB', 'AL': 'ALB', 'MK': 'MKD', 'ME': 'MNE', 'TR': 'TUR', 'BA': 'BIH', 'MD': 'MDA',
}
LANGUAGES_ISO3 = {
    'bg': 'BUL', 'cs': 'CES', 'da': 'DAN', 'de': 'DEU', 'el': 'ELL', 'en': 'ENG', 'es': 'SPA', 'et': 'EST',
    'fi': 'FIN', 'fr': 'FRA', 'ga': 'GLE', 'hr': 'HRV', 'hu': 'HUN', 'it': 'ITA', 'lt': 'LIT', 'lv': 'LAV',
    'mt': 'MLT', 'nl': 'NLD', 'pl': 'POL', 'pt': 'POR', 'ro': 'RON', 'sk': 'SLK', 'sl': 'SLV', 'sv': 'SWE',
}
# Labels that are part of the credential document itself (not of our user interface).
NOTE_SUBJECTS = {
    'quality-assurance': {'en': 'Type of quality assurance', 'fr': 'Type d’assurance qualité'},
    'identity-verification': {'en': 'Identity verification', 'fr': 'Vérification de l’identité'},
    'stackability': {'en': 'Stackability', 'fr': 'Possibilités de cumul'},
}
STACKS_INTO = {'en': 'Counts towards: {titles}.', 'fr': 'Compte pour : {titles}.'}


def concept(iri: str, scheme: str, label: dict[str, str], notation: str | None = None) -> dict:
    found = {'id': iri, 'type': 'Concept', 'inScheme': {'id': scheme, 'type': 'ConceptScheme'}, 'prefLabel': label}
    if notation:
        found['notation'] = notation
    return found


def language_concept(language: str) -> dict:
    code = LANGUAGES_ISO3.get(language.split('-')[0], 'MUL')
    return concept(f'{EU_AUTHORITY}/language/{code}', f'{EU_AUTHORITY}/language', {'en': code}, 'language')


def country_concept(country: str) -> dict:
    code = COUNTRIES_ISO3.get(country, country)
    return concept(f'{EU_AUTHORITY}/country/{code}', f'{EU_AUTHORITY}/country', {'en': code}, 'country')


def note(note_id: str, text: Text | dict, subject: str | None = None) -> dict:
    found = {'id': note_id, 'type': 'Note', 'noteLiteral': text.as_dict() if isinstance(text, Text) else text}
    if subject:
        found['subject'] = concept(f'urn:magix:annex1:{subject}', 'urn:magix:annex1', NOTE_SUBJECTS[subject])
    return found


def organisation(org: Organisation, eidas: bool = False) -> dict:
    """An ``Organisation`` node; the issuer also needs its (one) legal identifier."""
    found = {
        'id': f'urn:epass:org:{org.id}',
        'type': 'Organisation',
        'legalName': org.name.as_dict(),
        'location': {'id': f'urn:epass:location:{org.id}', 'type': 'Location',
                     'address': {'id': f'urn:epass:address:{org.id}', 'type': 'Address',
                                 'countryCode': country_concept(org.country)}},
    }
    if org.homepage:
        found['homepage'] = {'id': f'urn:epass:webResource:{org.id}', 'type': 'WebResource', 'contentURL': org.homepage}
    if org.legal_identifier:
        found['registration' if not eidas else 'eIDASIdentifier'] = {
            'id': f'urn:epass:legalIdentifier:{org.id}', 'type': 'LegalIdentifier',
            'notation': org.legal_identifier, 'spatial': country_concept(org.country)}
    return found


def display_image(award: Award, language: str) -> str:
    """A one-page SVG summary for Europass viewers (``displayParameter``), base64-encoded."""
    credential = award.credential
    lines = [award.learner_name, credential.title.get(language),
             f'{credential.ects} ECTS · EQF {credential.eqf_level}', timestamp(award.issued_at)[:10],
             ', '.join(body.name.get(language) for body in award.awarding_bodies)]
    texts = ''.join(f'<text x="40" y="{80 + 50 * index}" font-size="{28 if index == 1 else 20}">{escape(line)}</text>'
                    for index, line in enumerate(lines))
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="1240" height="400" font-family="sans-serif">'
           f'<rect width="1240" height="400" fill="#fff" stroke="#2b6cb0" stroke-width="8"/>{texts}</svg>')
    return base64.b64encode(svg.encode('utf-8')).decode('ascii')


def specification(award: Award, credential: MicroCredential) -> dict:
    pathway, cid = award.pathway, credential.id
    spec = {
        'id': f'urn:epass:learningAchievementSpec:{cid}',
        'type': 'LearningAchievementSpecification',
        'title': credential.title.as_dict(),
        'learningOutcome': [{'id': f'urn:epass:learningOutcome:{cid}-{index + 1}', 'type': 'LearningOutcome',
                             'title': outcome.as_dict()} for index, outcome in enumerate(credential.learning_outcomes)],
        'creditPoint': [{'id': f'urn:epass:creditPoint:{cid}', 'type': 'CreditPoint', 'point': str(credential.ects),
                         'framework': concept(f'{SNB}/education-credit/6fcec5c5af', f'{SNB}/education-credit/25831c2',
                                              {'en': 'European Credit Transfer System'})}],
        'eqfLevel': concept(f'{SNB}/eqf/{credential.eqf_level}', f'{SNB}/eqf/25831c2',
                            {'en': f'Level {credential.eqf_level}'}),
        'mode': [concept(f'{SNB}/learning-assessment/{MODES[credential.participation]}',
                         f'{SNB}/learning-assessment/25831c2', {'en': MODE_LABELS[credential.participation]})],
        'language': [language_concept(language) for language in award.languages],
        'additionalNote': [note(f'urn:epass:note:{cid}-quality-assurance', credential.quality_assurance,
                                'quality-assurance')],
    }
    if credential.description:
        spec['description'] = credential.description.as_dict()
    if credential.hours:
        spec['volumeOfLearning'] = f'PT{credential.hours}H'
    if credential.prerequisites:
        spec['entryRequirement'] = note(f'urn:epass:note:{cid}-prerequisites', credential.prerequisites)
    if credential.further_information:
        spec['supplementaryDocument'] = [{'id': f'urn:epass:webResource:{cid}-information', 'type': 'WebResource',
                                          'contentURL': credential.further_information}]
    parents = award.stacks_into
    programme = pathway.programme
    parent_titles = [parent.title for parent in parents] + [programme.title]
    spec['isPartOf'] = [{'id': f'urn:epass:learningAchievementSpec:{parent.id}',
                         'type': 'LearningAchievementSpecification', 'title': parent.title.as_dict()}
                        for parent in parents] + [{'id': f'urn:epass:qualification:{programme.id}',
                                                   'type': 'Qualification', 'title': programme.title.as_dict()}]
    languages = [lang for lang in STACKS_INTO if any(lang in title.languages for title in parent_titles)]
    spec['additionalNote'].append(note(f'urn:epass:note:{cid}-stackability', {
        lang: STACKS_INTO[lang].format(titles='; '.join(title.get(lang) for title in parent_titles))
        for lang in languages or ['en']}, 'stackability'))
    return spec


def build_european_credential(award: Award) -> dict:
    """The unsigned ELM v3 ``EuropeanDigitalCredential`` (``signing.seal_json`` signs it)."""
    credential, pathway = award.credential, award.pathway
    language, cid = pathway.default_language, credential.id
    issued = timestamp(award.issued_at)
    awarding = {'id': f'urn:epass:awardingProcess:{cid}', 'type': 'AwardingProcess', 'awardingDate': issued,
                'awardingBody': [organisation(body) for body in award.awarding_bodies]}
    grade = f'{round(award.grade * 100)}%' if award.grade is not None else 'Pass'
    assessment = {
        'id': f'urn:epass:learningAssessment:{cid}',
        'type': 'LearningAssessment',
        'title': credential.assessment.as_dict(),
        'grade': note(f'urn:epass:note:{cid}-grade', {language: grade}),
        'awardedBy': awarding,
        'specifiedBy': {'id': f'urn:epass:learningAssessmentSpec:{cid}', 'type': 'LearningAssessmentSpecification',
                        'title': credential.assessment.as_dict(),
                        'mode': [concept(f'{SNB}/learning-assessment/{MODES[credential.participation]}',
                                         f'{SNB}/learning-assessment/25831c2',
                                         {'en': MODE_LABELS[credential.participation]})]},
    }
    if credential.identity_verification:
        assessment['additionalNote'] = [note(f'urn:epass:note:{cid}-identity', credential.identity_verification,
                                             'identity-verification')]
    found = {
        '@context': CONTEXTS,
        'id': award.credential_uri,
        'type': ['VerifiableCredential', 'EuropeanDigitalCredential'],
        'credentialProfiles': [concept(f'{SNB}/credential/e34929035b', f'{SNB}/credential/25831c2',
                                       {'en': 'Generic'})],
        'displayParameter': {
            'id': f'urn:epass:displayParameter:{cid}', 'type': 'DisplayParameter',
            'title': credential.title.as_dict(),
            'language': [language_concept(lang) for lang in award.languages],
            'primaryLanguage': language_concept(language),
            'individualDisplay': [{
                'id': f'urn:epass:individualDisplay:{cid}', 'type': 'IndividualDisplay',
                'language': language_concept(language),
                'displayDetail': [{'id': f'urn:epass:displayDetail:{cid}', 'type': 'DisplayDetail', 'page': 1,
                                   'image': {'id': f'urn:epass:mediaObject:{cid}', 'type': 'MediaObject',
                                             'content': display_image(award, language),
                                             'contentEncoding': concept(f'{SNB}/encoding/6146cde7dd',
                                                                        f'{SNB}/encoding/25831c2', {'en': 'base64'}),
                                             'contentType': concept(f'{EU_AUTHORITY}/file-type/SVG',
                                                                    f'{EU_AUTHORITY}/file-type', {'en': 'SVG'},
                                                                    'file-type')}}],
            }],
        },
        'credentialSchema': SCHEMA,
        'credentialSubject': {
            'id': award.learner_id,
            'type': 'Person',
            'fullName': {language: award.learner_name},
            'hasClaim': [{
                'id': f'urn:epass:learningAchievement:{cid}',
                'type': 'LearningAchievement',
                'title': credential.title.as_dict(),
                'awardedBy': awarding,
                'provenBy': [assessment],
                'specifiedBy': specification(award, credential),
            }],
        },
        'issuer': organisation(award.issuer, eidas=True),
        'issued': issued,
        'validFrom': issued,
    }
    if award.expires_at:
        found['validUntil'] = timestamp(award.expires_at)
    return found
