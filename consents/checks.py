"""D8: the site refuses to start with a retention period below the legal minimum."""

from django.core.checks import Error, register

from consents.schedule import retention_settings_problems


@register()
def retention_periods_lawful(app_configs, **kwargs):
    return [Error(problem, id="consents.E001") for problem in retention_settings_problems()]
