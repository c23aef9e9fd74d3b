"""simpul.core.pdp: encryption round trip and rotation, keyed hashes, masking, the encrypted field."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from simpul.accounts.models import CitizenProfile
from simpul.accounts.tests.factories import CitizenProfileFactory
from simpul.core import pdp


@given(st.text(max_size=200))
def test_encrypt_decrypt_round_trip(value):
    token = pdp.encrypt_text(value)
    assert len(value) < 8 or value not in token
    assert pdp.decrypt_text(token) == value


def test_each_encryption_differs_but_hash_is_stable():
    assert pdp.encrypt_text("1606014107950001") != pdp.encrypt_text("1606014107950001")
    assert pdp.keyed_hash("1606014107950001") == pdp.keyed_hash("1606014107950001")
    assert pdp.keyed_hash("1606014107950001") != pdp.keyed_hash("1606014107950002")
    assert len(pdp.keyed_hash("x")) == 64


def test_rotation_newest_key_encrypts_all_keys_decrypt(settings):
    old, new = Fernet.generate_key().decode(), "a passphrase that is stretched by hkdf"
    settings.PDP_ENCRYPTION_KEY = old
    token_old = pdp.encrypt_text("secret NIK")
    hash_before = pdp.keyed_hash("secret NIK")
    settings.PDP_ENCRYPTION_KEY = f"{new},{old}"
    token_new = pdp.encrypt_text("secret NIK")
    assert pdp.decrypt_text(token_old) == "secret NIK"
    assert pdp.decrypt_text(token_new) == "secret NIK"
    rotated = pdp.reencrypt_text(token_old)
    # the look-up hash does not change when a new encryption key is put in front
    assert pdp.keyed_hash("secret NIK") == hash_before
    settings.PDP_ENCRYPTION_KEY = new
    assert pdp.decrypt_text(rotated) == "secret NIK"
    assert pdp.decrypt_text(token_new) == "secret NIK"
    with pytest.raises(InvalidToken):
        pdp.decrypt_text(token_old)


def test_separate_hash_key_setting(settings):
    plain = pdp.keyed_hash("value")
    settings.PDP_HASH_KEY = "another hash key"
    assert pdp.keyed_hash("value") != plain


def test_default_key_derives_from_secret_key(settings):
    settings.PDP_ENCRYPTION_KEY = ""
    token = pdp.encrypt_text("x")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"
    with pytest.raises(InvalidToken):
        pdp.decrypt_text(token)


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (pdp.mask_nik, "1606014107950001", "1606********0001"),
        (pdp.mask_nik, "1606 0141 0795 0001", "1606********0001"),
        (pdp.mask_nik, "", ""),
        (pdp.mask_nik, "12345", "*****"),
        (pdp.mask_phone, "+6281234567890", "+6281******890"),
        (pdp.mask_phone, "081234567890", "0812*****890"),
        (pdp.mask_phone, None, ""),
        (pdp.mask_email, "siti.warga@simpul.test", "s********a@simpul.test"),
        (pdp.mask_email, "ab@x.id", "**@x.id"),
    ],
)
def test_masking(func, value, expected):
    assert func(value) == expected


@pytest.mark.django_db
def test_encrypted_field_stores_ciphertext_and_reads_clear_text(region_tree):
    profile = CitizenProfileFactory(nik="1606014107950001")
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik FROM accounts_citizenprofile WHERE id = %s", [profile.pk])
        stored = cursor.fetchone()[0]
    assert "1606014107950001" not in stored
    assert CitizenProfile.objects.get(pk=profile.pk).nik == "1606014107950001"
    assert CitizenProfile.objects.get(nik_hash=pdp.nik_hash("1606 0141 0795 0001")) == profile
    with pytest.raises(FieldError):
        CitizenProfile.objects.filter(nik="1606014107950001").count()


@pytest.mark.django_db
def test_rekey_command_moves_niks_to_the_newest_key(region_tree, settings):
    from django.core.management import call_command

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PDP_ENCRYPTION_KEY = old
    profile = CitizenProfileFactory(nik="1606014107950001")
    settings.PDP_ENCRYPTION_KEY = f"{new},{old}"
    call_command("pdp_rekey", stdout=io.StringIO())
    settings.PDP_ENCRYPTION_KEY = new
    assert CitizenProfile.objects.get(pk=profile.pk).nik == "1606014107950001"


@pytest.mark.django_db
def test_rekey_runs_registered_jobs(settings):
    from django.core.management import call_command

    calls = []
    out = io.StringIO()
    with pdp.rekey_registry.override("test.job", lambda: calls.append(1) or 7):
        call_command("pdp_rekey", stdout=out)
    assert calls == [1] and "test.job: re-encrypted 7" in out.getvalue()
