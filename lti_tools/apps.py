from django.apps import AppConfig, apps


class HostConfig(AppConfig):
    name = 'lti_tools'
    verbose_name = 'MAGIX host'

    def ready(self):
        if not apps.is_installed('workbench'):  # the LTI service host runs no workbench
            return
        from workbench import scenarios

        from .demo.scenarios import init_scenarios
        scenarios.init_scenarios = init_scenarios  # see its docstring: the SDK's stops at the first failing sample
