"""``magix serve``: prepare the SQLite database under ``var/`` and serve the demo host
(``lti_tools.demo.settings``; the LTI tool service runs under gunicorn instead, see README).

The xblock-sdk wheel ships no migrations for some of its apps and expects a ``var/`` folder;
``migrate --run-syncdb`` creates their tables, so a fresh clone needs no manual step.
"""
import os


def add_arguments(parser):
    parser.add_argument('--port', type=int, default=int(os.environ.get('PORT', 8000)),
                        help='port on 127.0.0.1 (default 8000, or $PORT)')
    parser.add_argument('--reload', action='store_true', help='restart when code changes')


def prepare_database():
    """Create or update every table the host needs (idempotent)."""
    from django.core.management import call_command
    call_command('migrate', run_syncdb=True, interactive=False, verbosity=0)


def setup_django():
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lti_tools.demo.settings')
    import django
    django.setup()


def run(args):
    setup_django()
    from django.core.management import call_command
    prepare_database()
    print(f'MAGIX demo: http://127.0.0.1:{args.port}/  (French: http://127.0.0.1:{args.port}/?lang=fr)')
    call_command('runserver', f'127.0.0.1:{args.port}', use_reloader=args.reload)
    return 0
