"""The NIK at rest: encryption, keyed hashes and key rotation."""

from contextlib import contextmanager

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import select

from juragan.db import vault
from juragan.models import Returnee
from juragan.services.registry import find_by_nik, rotate_nik_keys

OLD = "b2xkLWtleS1mb3ItdGhlLW5pay12YXVsdC10ZXN0cyE="
NEW = "bmV3LWtleS1mb3ItdGhlLW5pay12YXVsdC10ZXN0cyE="
NIK = "3507015403880007"


@contextmanager
def keys(encryption, hmacs):
    before = vault.current()
    vault.configure(vault.make_vault(encryption, hmacs))
    try:
        yield vault.current()
    finally:
        vault.configure(before)


def test_encryption_is_randomised_and_hashes_are_keyed():
    with keys([OLD], ["first hmac key, long enough to be real"]) as v:
        one, two = v.encrypt(NIK), v.encrypt(NIK)
        assert one != two  # a fresh IV each time: equal NIKs look different
        assert NIK not in one
        assert v.decrypt(one) == v.decrypt(two) == NIK
        assert v.lookup_hash(NIK) == v.lookup_hash(NIK)
    with keys([OLD], ["another hmac key, just as long as the first"]) as other:
        assert other.lookup_hash(NIK) != v.lookup_hash(NIK)
    with pytest.raises(InvalidToken):
        v.decrypt(one[:-4] + "AAAA")
    with keys([NEW], ["x" * 40]) as stranger, pytest.raises(InvalidToken):
        stranger.decrypt(one)
    with pytest.raises(ValueError):
        vault.make_vault([], ["x"])


def test_rotation_moves_every_row_and_lookups_work_throughout(app, db, cast):
    session = db.session
    people = [cast.returnee, cast.neighbour, cast.far_away]
    niks = {p.id: p.nik for p in people}
    current = vault.current()
    # A new key pair goes first; the old ones stay listed until the rotation.
    suite_keys = list(app.config["NIK_ENCRYPTION_KEYS"])
    suite_hmacs = list(app.config["NIK_HMAC_KEYS"])
    with keys([NEW, *suite_keys], ["a brand new hmac key for rotation", *suite_hmacs]):
        # Still found under the old hash, and still readable.
        assert find_by_nik(session, niks[cast.returnee.id]).id == cast.returnee.id
        session.expire_all()
        assert {p.id: p.nik for p in session.scalars(select(Returnee))} == niks
        moved, total = rotate_nik_keys(session, batch=2)
        assert (moved, total) == (3, 3)
        assert rotate_nik_keys(session) == (0, 3)  # safe to run again
        session.expire_all()
        for person in session.scalars(select(Returnee)):
            assert person.nik_hash == vault.current().lookup_hash(niks[person.id])
    # With only the new keys, everything still opens and is found.
    with keys([NEW], ["a brand new hmac key for rotation"]):
        session.expire_all()
        assert {p.id: p.nik for p in session.scalars(select(Returnee))} == niks
        assert find_by_nik(session, niks[cast.far_away.id]).id == cast.far_away.id
    assert vault.current() is current
