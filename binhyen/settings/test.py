"""Test settings: the base settings with fast hashing and no secure-cookie requirement."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.setdefault("SECURE_COOKIES", "false")

from .base import *  # noqa: E402,F403
from .base import PASSWORD_HASHERS as _HASHERS  # noqa: E402

# Argon2 stays first in production; tests hash with MD5 for speed except where they check it.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *_HASHERS]
LANGUAGE_CODE = "vi"
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # static files come from the apps (above); nothing is collected
BACKGROUND_JOBS = False  # jobs run inline; core/tests/test_jobs.py runs them in threads
