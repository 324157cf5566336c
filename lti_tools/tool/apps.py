"""The LTI tool app; on start it connects the grade queue to the host's recorded results."""
from django.apps import AppConfig


class LtiToolConfig(AppConfig):
    name = 'lti_tools.tool'
    label = 'lti_tool'
    verbose_name = 'LTI 1.3 tool'
    default_auto_field = 'django.db.models.BigAutoField'

    def ready(self):
        from lti_tools.results.signals import result_recorded

        from .grades import queue_result
        result_recorded.connect(queue_result, dispatch_uid='magix-lti-grade-queue')
