"""``magix lti``: prepare the service, register platforms, registration links and approval,
rotate our keys, print registration JSON, deliver grades, run Django management commands.

Settings: ``$DJANGO_SETTINGS_MODULE``, else the LTI tool service's (``lti_tools.service.settings``);
``DJANGO_SETTINGS_MODULE=lti_tools.demo.settings magix lti ...`` works on the demo's database.
"""
from __future__ import annotations

import json
import os
import sys
import time

SERVICE_SETTINGS = 'lti_tools.service.settings'


def add_arguments(parser):
    commands = parser.add_subparsers(dest='lti_command', metavar='ACTION', required=True)
    commands.add_parser('init', help='Create or update the database tables and our signing key (idempotent; '
                                     'safe when several replicas run it at once).')
    link = commands.add_parser('registration-link', help='A one-time, expiring Dynamic Registration link '
                                                         'to give a platform administrator.')
    link.add_argument('--hours', type=float, default=None, help='valid for HOURS (default 24)')
    link.add_argument('--note', default='', help='who the link is for (shown in the admin)')
    link.add_argument('--base-url', default='', help='public base URL of the service (default $MAGIX_LTI_BASE_URL)')
    approve = commands.add_parser('approve-platform', help='Let a platform frame our pages (CSP frame-ancestors).')
    approve.add_argument('--issuer', required=True)
    approve.add_argument('--client-id', required=True)
    approve.add_argument('--revoke', action='store_true', help='withdraw the approval instead')
    manage = commands.add_parser('manage', help='Run a Django management command (check --deploy, collectstatic, '
                                                'createsuperuser...) with these settings.')
    manage.add_argument('django_args', nargs='...', metavar='ARGS')
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
    grades = commands.add_parser('process-grades', help='Deliver the scores waiting in the grade queue '
                                                        '(the worker: run it beside the web processes with --loop).')
    grades.add_argument('--retry-failed', action='store_true', help='also retry scores that gave up')
    grades.add_argument('--loop', type=float, default=0, metavar='SECONDS', help='keep going, every SECONDS')


def setup_django():
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', SERVICE_SETTINGS)
    import django
    django.setup()


def run(args):
    if args.lti_command in ('tool-config', 'canvas-config'):
        from lti_tools.lti1p3 import registration
        urls = registration.ToolUrls(args.base_url)
        build = registration.tool_configuration if args.lti_command == 'tool-config' else registration.canvas_configuration
        print(json.dumps(build(urls), indent=2))
        return 0
    if args.lti_command == 'manage':
        os.environ.setdefault('DJANGO_SETTINGS_MODULE', SERVICE_SETTINGS)
        from django.core.management import execute_from_command_line
        execute_from_command_line(['magix lti manage', *args.django_args])
        return 0
    setup_django()
    return {'init': init, 'register-platform': register_platform, 'list-platforms': list_platforms,
            'registration-link': registration_link, 'approve-platform': approve_platform,
            'rotate-keys': rotate_keys, 'process-grades': process_grades}[args.lti_command](args)


def init(args):
    from lti_tools.tool.setup import initialise
    from lti_tools.tool.store import purge_expired
    done = initialise()
    purge_expired()
    print(f'Database ready; signing key {done["kid"]} ({"created" if done["created"] else "already there"})'
          + (f'; resealed {", ".join(done["resealed"])}' if done['resealed'] else '') + '.')
    return 0


def registration_link(args):
    from django.conf import settings
    from django.urls import reverse
    from lti_tools.tool.models import RegistrationLink
    hours = args.hours if args.hours is not None else settings.LTI_REGISTRATION_LINK_HOURS
    if not 0 < hours <= 24 * 30:
        print('--hours must be between 0 and 720', file=sys.stderr)
        return 2
    link, token = RegistrationLink.create(hours, args.note)
    path = reverse('lti_tool:register_with_link', args=[token])
    base = (args.base_url or settings.LTI_BASE_URL).rstrip('/')
    print(f'{base}{path}' if base else path)
    print(f'One use, until {link.expires_at:%Y-%m-%d %H:%M} UTC. Give it to the platform administrator '
          f'(the platform\'s "register a tool" form). Approve the platform afterwards: '
          f'magix lti approve-platform --issuer ... --client-id ...', file=sys.stderr)
    if not base:
        print('(prefix the path with the public base URL of the service, or set MAGIX_LTI_BASE_URL)',
              file=sys.stderr)
    return 0


def approve_platform(args):
    from lti_tools.tool.models import Platform
    updated = Platform.objects.filter(issuer=args.issuer, client_id=args.client_id).update(approved=not args.revoke)
    if not updated:
        print(f'No platform {args.issuer} with client id {args.client_id}.', file=sys.stderr)
        return 1
    print(f'{"Revoked" if args.revoke else "Approved"}: {args.issuer} ({args.client_id}).')
    return 0


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
        approval = 'approved' if platform.approved else 'waiting for approval'
        print(f'{platform.issuer}\tclient {platform.client_id}\tdeployments {deployments}\t{approval}')
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
    from lti_tools.tool.store import purge_expired
    while True:
        purge_expired()   # expired logins and nonces: here, not in the web requests
        counts = grades.deliver_due()
        print(f'sent {counts["sent"]}, will retry {counts["retry"]}, gave up {counts["failed"]}')
        sys.stdout.flush()
        if not args.loop:
            return 0 if not counts['failed'] else 1
        time.sleep(args.loop)
