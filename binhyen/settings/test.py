"""Test settings: the base settings with fast hashing and no secure-cookie requirement."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.setdefault("SECURE_COOKIES", "false")
# a fixed test key (never used outside tests); a second, older key tests decryption after rotation
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS",
    "n1qzD0A6y3Pq4fHk3VhYp0bQ2m9zQJm3k6wqXcJ1y8E=,0MqGJ0rD4F6w3l0t0w1xQ8gK2bV5n8y4Jz7cH2pR6aU=",
)

from .base import *  # noqa: E402,F403
from .base import PASSWORD_HASHERS as _HASHERS  # noqa: E402

# Argon2 stays first in production; tests hash with MD5 for speed except where they check it.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *_HASHERS]
LANGUAGE_CODE = "vi"
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # static files come from the apps (above); nothing is collected
BACKGROUND_JOBS = False  # jobs run inline; core/tests/test_jobs.py runs them in threads
