import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from binhyen.accounts.services import create_user
from binhyen.settings import base


@pytest.fixture(autouse=True)
def _clear_rate_counters():
    cache.clear()
    yield
    cache.clear()


def test_login_works_and_lands_on_home(client, db):
    create_user("officer", "a-good-long-password")
    response = client.post(
        reverse("login"), {"username": "officer", "password": "a-good-long-password"}
    )
    assert response.status_code == 302 and response.url == reverse("portal:home")


@override_settings(LOGIN_RATE="3/m")
def test_login_is_rate_limited_and_keeps_the_username(client, db):
    create_user("officer", "a-good-long-password")
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "officer", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(
        reverse("login"), {"username": "officer", "password": "a-good-long-password"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert 'value="officer"' in response.content.decode()
    assert "Quá nhiều lần đăng nhập" in response.content.decode()


def test_production_hashes_passwords_with_argon2(db):
    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = make_password("a-good-long-password")
        assert encoded.startswith("argon2$")
        assert check_password("a-good-long-password", encoded)


def test_sessions_expire_when_idle():
    assert base.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < base.SESSION_COOKIE_AGE <= 24 * 3600
