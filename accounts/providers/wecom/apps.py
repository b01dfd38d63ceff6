from django.apps import AppConfig


class WeComProviderConfig(AppConfig):
    """An allauth provider is an app: allauth finds `provider.py` in installed apps."""

    name = "accounts.providers.wecom"
    label = "wecom"
    verbose_name = "WeCom sign-in"
