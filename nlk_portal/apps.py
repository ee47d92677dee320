from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "nlk_portal"
    verbose_name = "NLK International Cooperation Portal"
