import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create a local staff superuser with a generated password, once, on a development machine."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the portal is served.")

    def handle(self, *args, username, url, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create a development superuser with DJANGO_DEBUG off.")
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists already; log in at /admin/ with it.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "\nCreated a local superuser for this development database.\n"
                f"  Log in at {url.rstrip('/')}/admin/ as {username!r} with password {password!r}\n"
                "  (printed once only; change it with: .venv/bin/python manage.py changepassword "
                f"{username})\n"
            )
        )
