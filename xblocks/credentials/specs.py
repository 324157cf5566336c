"""Checking issued credentials against the public specifications, offline.

The specification files (Open Badges 3.0 JSON Schema, VC and ELM JSON-LD contexts, EDC SHACL
shapes) are not part of this package: a deployment points ``MAGIX_SPECS_DIR`` at a copy, and
the development checkout finds them at ``<repo>/../shared/specs``. Without them only our own
structural checks run (``find_specs_dir()`` returns ``None``).
"""
from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

OB_SCHEMA = 'openbadges-3.0/ob_v3p0_achievementcredential_schema.json'
EDC_SHAPES = 'elm-3/EDC-generic-no-cv.ttl'
# JSON-LD context URL -> local copy (the documents are mapped, never fetched).
CONTEXTS = {
    'https://www.w3.org/ns/credentials/v2': 'vc-2.0/credentials-v2.jsonld',
    'https://www.w3.org/2018/credentials/v1': 'vc-2.0/credentials-v1.jsonld',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'openbadges-3.0/context-3.0.3.json',
    'http://data.europa.eu/snb/model/context/edc-ap': 'elm-3/edc-ap-context.jsonld',
}


def find_specs_dir(explicit: str | os.PathLike | None = None) -> Path | None:
    """The folder with the specification files: argument, ``$MAGIX_SPECS_DIR``, or ``../shared/specs``."""
    candidates = [explicit, os.environ.get('MAGIX_SPECS_DIR'),
                  Path(__file__).resolve().parents[2].parent / 'shared' / 'specs']
    for candidate in candidates:
        if candidate and (Path(candidate) / OB_SCHEMA).is_file():
            return Path(candidate)
    return None


def openbadges_schema_errors(credential: dict, specs_dir: Path) -> list[str]:
    """Messages for every way ``credential`` breaks the OB 3.0 AchievementCredential JSON Schema."""
    from jsonschema import Draft201909Validator, FormatChecker
    schema = json.loads((specs_dir / OB_SCHEMA).read_text(encoding='utf-8'))
    validator = Draft201909Validator(schema, format_checker=FormatChecker())
    return [f'{"/".join(map(str, error.absolute_path)) or "(root)"}: {error.message}'
            for error in sorted(validator.iter_errors(credential), key=lambda error: list(error.absolute_path))]


def with_local_contexts(document: dict, specs_dir: Path) -> dict:
    """The JSON-LD document with each known context URL replaced by the local copy's ``@context``."""
    contexts = document.get('@context', [])
    contexts = contexts if isinstance(contexts, list) else [contexts]
    local = []
    for context in contexts:
        if isinstance(context, str) and context in CONTEXTS:
            local.append(json.loads((specs_dir / CONTEXTS[context]).read_text(encoding='utf-8'))['@context'])
        elif isinstance(context, str):
            raise ValueError(f'unknown JSON-LD context {context} (it would have to be fetched)')
        else:
            local.append(context)
    return {**document, '@context': local}


def credential_graph(credential: dict, specs_dir: Path):
    """The JSON-LD credential as an rdflib graph, its contexts read from the local copies."""
    from rdflib import Graph
    with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph
        warnings.simplefilter('ignore', DeprecationWarning)
        return Graph().parse(data=json.dumps(with_local_contexts(credential, specs_dir)), format='json-ld')


def edc_shacl_violations(credential: dict, specs_dir: Path) -> list[str]:
    """SHACL results of an ELM v3 credential against ``EDC-generic-no-cv.ttl`` (violations only)."""
    import pyshacl
    from rdflib import Graph, Namespace
    data = credential_graph(credential, specs_dir)
    shapes = Graph().parse(str(specs_dir / EDC_SHAPES), format='turtle')
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference='none', allow_warnings=True)
    sh = Namespace('http://www.w3.org/ns/shacl#')
    messages = []
    for result in report.subjects(sh.resultSeverity, sh.Violation):
        path = report.value(result, sh.resultPath)
        focus = report.value(result, sh.focusNode)
        message = report.value(result, sh.resultMessage)
        messages.append(f'{focus} {path}: {message}')
    return sorted(messages)
