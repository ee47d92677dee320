from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load the reference data transcribed from the library's page (institutions, "
        "agreements, programs, sites). Safe to run again: a second run changes nothing."
    )

    def handle(self, *args, **options):
        # Each app that has a reference_data module contributes its part, in
        # INSTALLED_APPS order, so the directory is loaded before what refers to it.
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.reference_data"
                if find_spec(module_name) is None:
                    continue
                changed = import_module(module_name).load()
                self.stdout.write(f"{app_config.label}: {changed} rows created or updated")
