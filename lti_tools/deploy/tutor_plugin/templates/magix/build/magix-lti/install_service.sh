#!/bin/sh
# Install the MAGIX LTI tool service into a virtualenv and collect its static files.
# The image's Dockerfile runs this; so does tests/deploy/test_service_image.py, into a temporary
# folder, before starting gunicorn from what it installed: one install, tested where it is built.
#
#   install_service.sh PREFIX REQUIREMENTS_FILE [FIND_LINKS_DIR]
#
# PREFIX: the virtualenv to create (PREFIX/static receives the static files, unless
# MAGIX_STATIC_ROOT says otherwise); REQUIREMENTS_FILE: what pip installs (our package with its
# production and mysql extras); FIND_LINKS_DIR: a folder of wheels to prefer (a local build).
# PYTHON picks the interpreter (default python3; the service runs on Python 3.12).
set -eu
prefix=$1
requirements=$2
links=${3:-}

"${PYTHON:-python3}" -m venv "$prefix"
if [ -n "$links" ] && ls "$links"/*.whl >/dev/null 2>&1; then
    "$prefix/bin/pip" install --find-links "$links" -r "$requirements"
else
    "$prefix/bin/pip" install -r "$requirements"
fi
for module in lti_tools.service.settings lti_tools.service.wsgi gunicorn whitenoise; do
    "$prefix/bin/python" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$module') is None)" \
        || { echo "install_service.sh: $module is not installed; check $requirements" >&2; exit 1; }
done

# Static files, served by the app (whitenoise). The settings insist on a real configuration;
# collectstatic reads it only, so a throwaway one that connects nowhere will do.
export MAGIX_STATIC_ROOT="${MAGIX_STATIC_ROOT:-$prefix/static}"
DJANGO_SETTINGS_MODULE=lti_tools.service.settings \
MAGIX_SECRET_KEY="$("$prefix/bin/python" -c 'import secrets; print(secrets.token_urlsafe(64))')" \
MAGIX_ALLOWED_HOSTS=localhost \
DATABASE_URL=postgres://collectstatic@127.0.0.1:1/unused \
    "$prefix/bin/django-admin" collectstatic --noinput --verbosity 0
echo "install_service.sh: installed into $prefix, static files in $MAGIX_STATIC_ROOT"
