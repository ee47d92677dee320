import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlk_portal.settings")

application = get_wsgi_application()

# Every view, form and admin the portal has, loaded now rather than on the first request; then the
# objects made so far (modules, classes, templates' code: about 130,000) are set aside from the garbage
# collector, which otherwise walks them all in each full collection (about 80 ms on one core, during
# which none of the process's threads answers). They live as long as the process does.
get_resolver().url_patterns  # noqa: B018
gc.freeze()
