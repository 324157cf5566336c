"""Deployment: the Tutor plugin (``magix``) and the LTI tool service's image.

``tutor_plugin/`` holds the plugin (hooks, patches, templates); the image's Dockerfile and its one
install script are templates of that plugin (``templates/magix/build/magix-lti/``), so Tutor builds
the image from exactly what the tests run. ``config_checks`` says what a configuration lacks,
with no Tutor import, so both Tutor and the tests use it.
"""
