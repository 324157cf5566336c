from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = 'lti_tools.results'
    label = 'magix_results'
    verbose_name = 'Learner results'
    default_auto_field = 'django.db.models.BigAutoField'
