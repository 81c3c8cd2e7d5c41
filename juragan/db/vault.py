"""The NIK at rest: encrypted, with a keyed hash for lookups and uniqueness.

A NIK is stored twice, neither time in clear:

- ``nik_ciphertext``: a Fernet token (AES-128-CBC with HMAC-SHA256, a random IV per
  value) under the first of ``NIK_ENCRYPTION_KEYS``; any key of the list decrypts,
  so a new key can be put first and old rows re-encrypted later
  (``flask juragan rotate-nik-keys``).
- ``nik_hash``: HMAC-SHA256 of the 16 digits under the first of ``NIK_HMAC_KEYS``.
  Equal NIKs give equal hashes, so the database can look a NIK up and refuse a
  second person with it, yet the hash cannot be reversed without the key (a plain
  hash of 16 digits with a known structure could be brute-forced in minutes).
  While a new HMAC key is being introduced, lookups try every key in the list.

The keys come from the environment (``juragan.config``); the app factory installs
them here with :func:`configure`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class VaultNotConfigured(RuntimeError):
    """No keys were installed (the app factory does it)."""


@dataclass(frozen=True)
class Vault:
    #: Encryption keys, the current one first.
    fernets: tuple[Fernet, ...]
    #: HMAC keys, the current one first.
    hmac_keys: tuple[bytes, ...]

    def encrypt(self, nik: str) -> str:
        return self.fernets[0].encrypt(nik.encode()).decode()

    def decrypt(self, token: str) -> str:
        """:raises InvalidToken: when no configured key opens ``token``."""
        return MultiFernet(list(self.fernets)).decrypt(token.encode()).decode()

    def lookup_hash(self, nik: str) -> str:
        """The hash stored for ``nik`` (under the current key)."""
        return _hmac(self.hmac_keys[0], nik)

    def lookup_hashes(self, nik: str) -> list[str]:
        """Every hash ``nik`` may be stored under while keys are being rotated."""
        return [_hmac(key, nik) for key in self.hmac_keys]

    def stored(self, nik: str) -> dict[str, str]:
        """The column values that store ``nik``."""
        return {"nik_ciphertext": self.encrypt(nik), "nik_hash": self.lookup_hash(nik)}

    def sealed(self, value: str) -> tuple[str, str]:
        """Any identifier (an NPWP, a KK number) as (ciphertext, keyed hash)."""
        return self.encrypt(value), self.lookup_hash(value)

    def rotate(self, token: str, nik_hash: str) -> dict[str, str] | None:
        """The row's values under the current keys, or ``None`` when already so."""
        nik = self.decrypt(token)
        try:
            self.fernets[0].decrypt(token.encode())
        except InvalidToken:
            return self.stored(nik)
        return None if nik_hash == self.lookup_hash(nik) else self.stored(nik)


def _hmac(key: bytes, nik: str) -> str:
    return hmac.new(key, nik.encode(), hashlib.sha256).hexdigest()


_vault: Vault | None = None


def make_vault(encryption_keys: Sequence[str], hmac_keys: Sequence[str]) -> Vault:
    """:raises ValueError: for an empty list or a malformed Fernet key."""
    if not encryption_keys or not hmac_keys:
        raise ValueError("at least one encryption key and one HMAC key are needed")
    return Vault(
        tuple(Fernet(key.encode()) for key in encryption_keys),
        tuple(key.encode() for key in hmac_keys),
    )


def configure(vault: Vault) -> None:
    global _vault
    _vault = vault


def current() -> Vault:
    if _vault is None:
        raise VaultNotConfigured("create the app first: it installs the NIK keys")
    return _vault


def new_encryption_key() -> str:
    """A fresh key for ``NIK_ENCRYPTION_KEYS``."""
    return Fernet.generate_key().decode()


__all__ = ["InvalidToken", "Vault", "configure", "current", "make_vault"]
