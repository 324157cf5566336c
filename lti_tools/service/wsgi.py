"""WSGI entry point of the LTI tool service: ``gunicorn lti_tools.service.wsgi:application``."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lti_tools.service.settings')
application = get_wsgi_application()
