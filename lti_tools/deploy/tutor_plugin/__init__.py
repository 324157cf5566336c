"""The ``magix`` Tutor plugin; Tutor loads ``plugin`` through the ``tutor.plugin.v1`` entry point."""
