"""Login hardening: lockout after repeated failures (django-axes), session expiry, password rules."""
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"  # tests/factories.py


def login(client, username, password, ip="203.0.113.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_user_and_address_are_locked_out_after_repeated_failures(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "clerk", "wrong-password").status_code == 200  # the form again, with an error
    locked = login(client, "clerk", "wrong-password")
    assert locked.status_code == 429 and "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    assert login(client, "clerk", PASSWORD).status_code == 429  # even the right password waits
    # The lock is on the pair: the same user elsewhere, and another user here, still log in.
    assert login(client, "clerk", PASSWORD, ip="198.51.100.9").status_code == 302
    assert login(client, "clerk2", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_failure_count(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "clerk", "wrong-password")
    assert login(client, "clerk", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "clerk", "wrong-password").status_code == 200


def test_sessions_expire_after_a_working_day_and_at_browser_close(client, world, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    login(client, "clerk", PASSWORD)
    assert client.session.get_expiry_age() <= 8 * 3600


def test_weak_passwords_are_rejected(world):
    for weak in ("123456789012", "password1", "qwertyuiop", "short"):  # numeric, short, common, short
        with pytest.raises(ValidationError):
            validate_password(weak, user=world.clerk)
    validate_password("Lai-Chau-2026-mot-cua", user=world.clerk)


def test_the_api_lockout_answer_is_json(rf, settings):
    from onestop.api.lockout import lockout_response

    response = lockout_response(rf.post("/api/anything/"))
    assert response.status_code == 429 and b'"locked_out"' in response.content
