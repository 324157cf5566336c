"""``magix lti``: register platforms, rotate our keys, print registration JSON, deliver grades."""
from __future__ import annotations

import json
import sys
import time


def add_arguments(parser):
    commands = parser.add_subparsers(dest='lti_command', metavar='ACTION', required=True)
    register = commands.add_parser('register-platform', help='Register (or update) a platform and its deployments.')
    register.add_argument('--issuer', required=True)
    register.add_argument('--client-id', required=True)
    register.add_argument('--deployment-id', required=True, action='append', help='repeat for several deployments')
    register.add_argument('--auth-login-url', required=True, help='the platform\'s OIDC authorisation endpoint')
    register.add_argument('--auth-token-url', default='', help='the platform\'s OAuth 2 token endpoint')
    register.add_argument('--keyset-url', required=True, help='the platform\'s JWKS URL')
    register.add_argument('--token-audience', default='', help='aud of token requests, if not the token URL')
    register.add_argument('--name', default='')
    commands.add_parser('list-platforms', help='List registered platforms and deployments.')
    rotate = commands.add_parser('rotate-keys', help='New signing key; the old one stays published for the grace period.')
    rotate.add_argument('--print-jwks', action='store_true', help='print the published key set afterwards')
    for name, help_text in (('tool-config', 'Print the Dynamic Registration tool configuration JSON.'),
                            ('canvas-config', 'Print the Canvas developer-key JSON.')):
        config = commands.add_parser(name, help=help_text)
        config.add_argument('--base-url', required=True, help='public base URL of this host, e.g. https://lti.example.org')
    grades = commands.add_parser('process-grades', help='Deliver the scores waiting in the grade queue.')
    grades.add_argument('--retry-failed', action='store_true', help='also retry scores that gave up')
    grades.add_argument('--loop', type=float, default=0, metavar='SECONDS', help='keep going, every SECONDS')


def setup_django():
    from lti_tools.serve import prepare_database, setup_django as setup
    setup()
    prepare_database()


def run(args):
    if args.lti_command in ('tool-config', 'canvas-config'):
        from lti_tools.lti1p3 import registration
        urls = registration.ToolUrls(args.base_url)
        build = registration.tool_configuration if args.lti_command == 'tool-config' else registration.canvas_configuration
        print(json.dumps(build(urls), indent=2))
        return 0
    setup_django()
    return {'register-platform': register_platform, 'list-platforms': list_platforms,
            'rotate-keys': rotate_keys, 'process-grades': process_grades}[args.lti_command](args)


def register_platform(args):
    from lti_tools.lti1p3.launch import Registration
    from lti_tools.tool.store import save_registration
    platform = save_registration(Registration(
        issuer=args.issuer, client_id=args.client_id, keyset_url=args.keyset_url, auth_login_url=args.auth_login_url,
        auth_token_url=args.auth_token_url, deployment_ids=frozenset(args.deployment_id),
        token_audience=args.token_audience), args.name)
    print(f'Registered {platform} with deployments {", ".join(sorted(args.deployment_id))}.')
    return 0


def list_platforms(args):
    from lti_tools.tool.models import Platform
    for platform in Platform.objects.prefetch_related('deployments').order_by('issuer'):
        deployments = ', '.join(platform.deployments.values_list('deployment_id', flat=True))
        print(f'{platform.issuer}\tclient {platform.client_id}\tdeployments {deployments}')
    return 0


def rotate_keys(args):
    from lti_tools.tool.store import key_grace_seconds, public_jwks, rotate_keys as rotate
    key = rotate()
    print(f'New signing key {key.kid}; earlier keys stay published for {key_grace_seconds() / 3600:g} hours.')
    if args.print_jwks:
        print(json.dumps(public_jwks(), indent=2))
    return 0


def process_grades(args):
    from lti_tools.tool import grades
    if args.retry_failed:
        print(f'{grades.requeue_failed()} failed score(s) queued again.')
    while True:
        counts = grades.deliver_due()
        print(f'sent {counts["sent"]}, will retry {counts["retry"]}, gave up {counts["failed"]}')
        sys.stdout.flush()
        if not args.loop:
            return 0 if not counts['failed'] else 1
        time.sleep(args.loop)
