"""MAGIX on Open edX: scenario exercises, stackable micro-credentials, OLX and LTI tooling."""
import os

from setuptools import find_packages, setup


def package_data(package, roots):
    """Files under ``roots`` of ``package`` (templates, static, compiled translations, content)."""
    found = []
    for root in roots:
        for dirname, _, files in os.walk(os.path.join(package.replace('.', '/'), root)):
            for name in files:
                found.append(os.path.relpath(os.path.join(dirname, name), package.replace('.', '/')))
    return found


setup(
    name='magix-openedx',
    version='0.1.0',
    description='MAGIX on Open edX: public-sector scenario exercises and stackable micro-credentials',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    license='AGPL-3.0',
    python_requires='>=3.12,<3.13',
    packages=find_packages(include=['xblocks', 'xblocks.*', 'course_export', 'course_export.*',
                                    'lti_tools', 'lti_tools.*']),
    py_modules=['magix'],
    package_data={
        # Compiled UI catalogues where Open edX looks: <root package of the block classes>/translations.
        'xblocks': package_data('xblocks', ['translations', 'static']),
        'xblocks.scenario': package_data('xblocks.scenario', ['templates', 'static', 'content'])
        + ['SCENARIO_FORMAT.md'],
        'xblocks.credentials': package_data('xblocks.credentials', ['templates', 'static', 'content'])
        + ['PATHWAY_FORMAT.md'],
        'course_export': package_data('course_export', ['demo_course']) + ['README.md'],
        'lti_tools': package_data('lti_tools', ['templates', 'locale', 'static']),
        'lti_tools.course_player': package_data('lti_tools.course_player', ['templates', 'static']),
        'lti_tools.tool': package_data('lti_tools.tool', ['templates', 'static']),
        'lti_tools.deploy.tutor_plugin': package_data('lti_tools.deploy.tutor_plugin', ['patches', 'tasks', 'templates']),
    },
    # Dependencies, two rules (our blocks live inside the Open edX platform's environment):
    # * here, compatible RANGES: from the oldest version we really support (the pins of the Open
    #   edX release we test, ../shared/openedx/platform-pins.txt, `make test-platform`) upwards.
    #   No upper caps: a Tutor image installs us after the platform's requirements and without
    #   constraints, so a cap below a version the platform moves to would make pip downgrade the
    #   platform's package; newer versions are tested by `make test` (constraints.txt).
    # * EXACT PINS only in constraints.txt, which our hosts and tests install with
    #   (`pip install -c constraints.txt -e '.[test]'`, as the Makefile does).
    # Adding a dependency (install_requires or an extra): its name and range here, its exact pin
    # in constraints.txt (pins written into extras meanwhile are moved there at merge).
    # Extras serve our hosts and tests only: their lower bounds are the versions our tests ran with.
    # Django: the blocks render Django templates (xblocks/rendering.py) but XBlock does not
    # require Django; the platform provides it and the range admits its version.
    install_requires=[
        'XBlock>=5.3',
        'web-fragments>=3.1',
        'edx-opaque-keys>=3.0',
        'Django>=5.2',
        'lxml>=5.3',
        'nh3>=0.3.2',
        'polib>=1.2',
        'Babel>=2.17',
        'PyJWT[crypto]>=2.10',
        'cryptography>=45',
        'jwcrypto>=1.5.6',
        'requests>=2.32',
        # a registered platform's URLs: public addresses only, the connection pinned to the checked one
        'requests-hardened>=1.3',
        # the scenario diagram's layered (Sugiyama) layout. igraph is GPL-2.0-or-later, which
        # AGPL-3.0 code may use; grandalf (GPLv2 only or EPL-1.0) was compatible with neither
        # our licence nor Open edX's. Brings texttable (MIT). 0.11 and 1.x both supported.
        'igraph>=0.11.2',
    ],
    extras_require={
        # The embedded demo host: the xblock-sdk workbench under Django 5.2 LTS.
        'demo': [
            'Django>=5.2',
            'xblock-sdk>=0.15',
            'openedx-django-pyfs>=3.8',
            # Open edX's own HtmlBlock and capa ProblemBlock in the course player. The platform pins
            # 0.10.2, whose ProblemBlock is an empty shell; 1.0.7 has capa. ``fs`` (its dependency)
            # still imports pkg_resources: setuptools<81.
            'xblocks-contrib>=1.0.7',
            'setuptools<81',
            # `magix credentials verify` checks the specifications in the demo too
            'jsonschema>=4.26',
            'pyshacl>=0.40',
            'rdflib>=7.6',
        ],
        # `magix credentials verify`: the OB 3.0 JSON Schema and EDC SHACL checkers.
        'credentials': [
            'jsonschema>=4.26',
            'pyshacl>=0.40',
            'rdflib>=7.6',
        ],
        'test': [
            'Django>=5.2',
            'xblock-sdk>=0.15',
            'openedx-django-pyfs>=3.8',
            'xblocks-contrib>=1.0.7',
            'setuptools<81',
            'lti-consumer-xblock>=11.4',
            # the LMS's completion app, real, for the credential widget's LMS path (tests/openedx)
            'edx-completion>=4.9',
            'pytest>=9.2',
            'pytest-django>=4.14',
            'hypothesis>=6.170',
            'jsonschema>=4.26',
            'pyshacl>=0.40',
            'rdflib>=7.6',
            'olxcleaner>=0.3',
            'rapidfuzz>=3.0',
            # a real CAT-side library reads and writes our XLIFF, PO and TMX in the tests
            'translate-toolkit>=3.20',
            'playwright>=1.65',
            # the production settings are tested too (parsing only: no server needed)
            'dj-database-url>=3.1',
            'redis>=7.1',
            # the LTI tool service is tested for real: gunicorn, whitenoise, PostgreSQL
            'psycopg[binary]>=3.3',
            'gunicorn>=23.0',
            'whitenoise>=6.12',
            # the Tutor plugin rendered in a temporary Tutor root; the service on MariaDB (mysql extra)
            'tutor>=22.0',
            'mysqlclient>=2.3',
        ],
        # `magix course check` / `magix course build`: olxcleaner validates course archives.
        'course': [
            'olxcleaner>=0.3',
            'rapidfuzz>=3.0',  # fuzzy matches from a translation memory (magix i18n fill-from-tmx)
        ],
        # `make bench`: the peers our benchmarks compare against (installed in .venv-bench only).
        'bench': [
            'branching-xblock>=0.3.3',
            'PyLTI1p3>=2.0',  # the LTI 1.3 tool peer of our launch (a Django tool made with it)
        ],
        # Several workers and hosts: PostgreSQL and Redis, configured from the environment.
        # The LTI tool service (lti_tools.service): gunicorn, whitenoise, PostgreSQL and Redis.
        'production': [
            'Django>=5.2',
            'xblock-sdk>=0.15',
            'openedx-django-pyfs>=3.8',
            'dj-database-url>=3.1',
            'psycopg[binary]>=3.3',
            'redis>=7.1',
            'gunicorn>=23.0',
            'whitenoise>=6.12',
        ],
        # The LTI tool service on MySQL (Tutor's database): mysqlclient, as Open edX itself uses;
        # it compiles against the MySQL/MariaDB client library (Debian: default-libmysqlclient-dev, pkg-config).
        'mysql': [
            'mysqlclient>=2.3',
        ],
    },
    entry_points={
        'xblock.v1': [
            'magix_scenario = xblocks.scenario.block:ScenarioBlock',
            'magix_credential_progress = xblocks.credentials.block:CredentialProgressBlock',
        ],
        # `tutor plugins enable magix`: Tutor imports this module only when it loads the plugin.
        'tutor.plugin.v1': [
            'magix = lti_tools.deploy.tutor_plugin.plugin',
        ],
        'console_scripts': [
            'magix = magix:main',
        ],
    },
    classifiers=[
        'Framework :: Django :: 5.2',
        'Programming Language :: Python :: 3.12',
    ],
)
