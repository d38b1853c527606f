"""Settings for the test suite: the same as production but with fast hashing, in-memory mail unless a
test points Django at a real SMTP server, and static files served without a manifest."""

from .settings import *  # noqa: F403
from .settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Serve static files straight from the app folders in tests (no collectstatic run needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Read the public content version on every request, so a test sees its own changes at once.
PAGE_CACHE_VERSION_TTL = 0
# Cached pages live in the locmem cache above; the per-process copy in front of Redis is tested on its own.
PAGE_CACHE_LOCAL_BYTES = 0
