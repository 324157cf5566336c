"""Course exports: the demo course as OLX, its translation round trip, safe archive reading and checks.

Plain Python (no Django, no XBlock imports); ``magix i18n`` and ``magix course`` are thin shells.

- ``olx``: course trees in memory, canonical XML/JSON writing, the demo course assembler.
  The course source (``demo_course/``) does not copy scenario content: a vertical says
  ``<magix_scenario url_name="eligibility"/>`` and the assembler places
  ``xblocks/scenario/content/<NN>-eligibility.xml`` as ``magix_scenario/eligibility.xml``, the
  form Studio exports. Credential pathways (``magix_credential_progress``) come the same way
  from ``xblocks/credentials/content/``. One source for each scenario, shared with the workbench.
- ``units``: the extractor; every translatable text as a slot with a stable ``msgctxt`` key;
  ``slots``: the kinds of slot (attribute, markup, JSON value, subtitle cue...) and parsed files.
- ``catalogue``: template, merge (fuzzy with previous English, obsolete), status (polib).
- ``build``: the course in one language; ``xliff``: XLIFF 1.2 export/import.
- ``archive``: reading untrusted ``.tar.gz`` exports; ``check``: olxcleaner and our checks.
"""
