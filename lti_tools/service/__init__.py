"""The LTI tool service: what partner platforms launch (LTI, the admin, a health check).

No workbench page, no ``?student=``, no reset. Run it with gunicorn over
``lti_tools.service.wsgi:application``; ``magix lti init`` prepares the database and keys.
"""
