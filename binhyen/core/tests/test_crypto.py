"""Protected values round-trip, and a deployment without keys is refused by the checks."""

from binhyen.core import crypto


def test_encrypt_round_trip_and_empty_stays_empty():
    token = crypto.encrypt("Nguyễn Văn An")
    assert token != "Nguyễn Văn An" and crypto.decrypt(token) == "Nguyễn Văn An"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_deployment_check_refuses_missing_or_malformed_keys(settings):
    assert crypto.check_keys() == []
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEYS = []
    assert [e.id for e in crypto.check_keys()] == ["binhyen.E001"]
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    assert [e.id for e in crypto.check_keys()] == ["binhyen.E001"]
