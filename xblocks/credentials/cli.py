"""``magix credentials``: verify a downloaded credential, or issue one for the demo.

``magix credentials verify FILE [--key PEM | --jwks FILE]`` checks signature, validity period,
structure and (when the specification files are found) the OB 3.0 JSON Schema or the EDC
SHACL shapes. Exit codes: 0 valid, 1 bad signature, 2 expired / not yet valid, 3 does not
conform, 4 unreadable file, key or specification folder, 5 the specification could not be
checked because its checker (jsonschema, pyshacl) is not installed; the lowest code of the
problems found wins. Without --key/--jwks the deployment's issuer key is used.
"""
from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from . import verification
from .award import Award
from .exports import FORMATS, signed_file
from .keys import IssuerKeyError, load_issuer_key, load_or_create_issuer_key, load_verification_keys
from .pathway_xml import parse_pathway
from .problems import PathwayError
from .specs import OB_SCHEMA, find_specs_dir
from .validation import validate

DEMO_PATHWAY = Path(__file__).parent / 'content' / 'aigov-pathway.xml'


def default_key_path() -> Path:
    """``$MAGIX_ISSUER_KEY``, else the demo key under ``$MAGIX_VAR_DIR`` (or ./var)."""
    if os.environ.get('MAGIX_ISSUER_KEY'):
        return Path(os.environ['MAGIX_ISSUER_KEY'])
    return Path(os.environ.get('MAGIX_VAR_DIR', 'var')) / 'issuer-key.pem'


def add_arguments(parser):
    actions = parser.add_subparsers(dest='action', metavar='ACTION', required=True)
    verify = actions.add_parser('verify', help='check a credential file (.ob3.jwt or .edc.json)')
    verify.add_argument('file', help='the credential file')
    verify.add_argument('--key', help='PEM key of the issuer (public or private)')
    verify.add_argument('--jwks', help="JSON Web Key Set of the issuer")
    verify.add_argument('--specs', help='folder with the specification files (default: $MAGIX_SPECS_DIR, '
                                        '../shared/specs)')
    issue = actions.add_parser('issue', help='issue a signed credential from a pathway (demo)')
    issue.add_argument('credential', help='micro-credential id in the pathway')
    issue.add_argument('--pathway', default=str(DEMO_PATHWAY), help='pathway XML (default: the demo pathway)')
    issue.add_argument('--learner-name', required=True)
    issue.add_argument('--learner-id', help='learner URI (default: urn:magix:learner:<name>)')
    issue.add_argument('--issuer-id', default='https://espad.example.eu/magix/issuer')
    issue.add_argument('--format', choices=sorted(FORMATS), default='openbadge')
    issue.add_argument('--key', help='issuer PEM private key (default: $MAGIX_ISSUER_KEY or var/issuer-key.pem, '
                                     'created if missing)')
    issue.add_argument('--output', '-o', help='output file (default: the credential id and format suffix)')
    record = actions.add_parser('record', help="record a learner's result in the demo host's store "
                                              '(e.g. a knowledge check the workbench cannot run)')
    record.add_argument('student', help='the learner id (the workbench ?student=...)')
    record.add_argument('key', help='usage key of the block, or a course key')
    record.add_argument('--score', type=float, help='score from 0 to 1')
    record.add_argument('--completion', type=float, help='completion from 0 to 1')
    jwks = actions.add_parser('jwks', help="print the issuer's public JWKS")
    jwks.add_argument('--key', help='issuer PEM key (default as for issue)')


def run_verify(args) -> int:
    try:
        text = Path(args.file).read_text(encoding='utf-8')
    except (OSError, UnicodeDecodeError) as error:
        print(f'INVALID: cannot read {args.file}: {error}', file=sys.stderr)
        return verification.UNREADABLE
    try:
        if args.key or args.jwks:
            keys = load_verification_keys(args.key, args.jwks)
        else:
            keys = load_verification_keys(default_key_path()) if default_key_path().is_file() else []
    except IssuerKeyError as error:
        print(f'INVALID: {error}', file=sys.stderr)
        return verification.UNREADABLE
    if args.specs and not (Path(args.specs) / OB_SCHEMA).is_file():
        print(f'INVALID: {args.specs} is not a specification folder (no {OB_SCHEMA})', file=sys.stderr)
        return verification.UNREADABLE
    specs_dir = find_specs_dir(args.specs)
    report = verification.verify_text(text, keys, specs_dir, datetime.now(timezone.utc))
    print(f'{args.file}: {report.kind or "unknown format"}')
    for check in report.checks:
        print(f'  ok: {check}')
    for _, problem in report.problems:
        print(f'  PROBLEM: {problem}')
    print(report.verdict)
    return report.exit_code


def issuer_key(args):
    return load_issuer_key(args.key) if args.key else load_or_create_issuer_key(default_key_path())


def run_issue(args) -> int:
    try:
        pathway = parse_pathway(Path(args.pathway).read_bytes())
        problems = validate(pathway)
        if problems:
            raise PathwayError(problems)
        key = issuer_key(args)
    except (OSError, PathwayError, IssuerKeyError) as error:
        print(f'Cannot issue: {error}', file=sys.stderr)
        return 4
    credential = pathway.credential(args.credential)
    if credential is None:
        print(f'Cannot issue: no micro-credential "{args.credential}" in {args.pathway} '
              f'(there are: {", ".join(c.id for c in pathway.credentials)}).', file=sys.stderr)
        return 4
    learner_id = args.learner_id or 'urn:magix:learner:' + '-'.join(args.learner_name.lower().split())
    award = Award(pathway, credential, learner_id, args.learner_name, args.issuer_id)
    name, _, body = signed_file(award, key, args.format)
    output = Path(args.output or name)
    output.write_bytes(body)
    print(f'Wrote {output} (signed with kid {key.kid}).')
    return 0


def run_record(args) -> int:
    """Store a result through ``lti_tools.results`` (the demo host's database under var/)."""
    from lti_tools.serve import prepare_database, setup_django
    setup_django()
    prepare_database()
    from lti_tools.results import record_result
    if args.score is None and args.completion is None:
        print('Give --score and/or --completion.', file=sys.stderr)
        return 4
    score = {} if args.score is None else {'earned': args.score, 'possible': 1.0}
    try:
        record_result(args.student, args.key, completion=args.completion, **score)
    except ValueError as error:
        print(f'Not recorded: {error}', file=sys.stderr)
        return 4
    print(f'Recorded for {args.student}: {args.key}.')
    return 0


def run(args) -> int:
    if args.action == 'verify':
        return run_verify(args)
    if args.action == 'issue':
        return run_issue(args)
    if args.action == 'record':
        return run_record(args)
    import json
    try:
        print(json.dumps(issuer_key(args).jwks(), indent=2))
    except IssuerKeyError as error:
        print(f'Cannot read the key: {error}', file=sys.stderr)
        return 4
    return 0
