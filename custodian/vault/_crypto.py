"""Opening sealed values and documents. PRIVATE: only custodian.vault.gate imports this module (an
import-linter contract and `vault/tests/test_only_the_gate_decrypts.py` fail the build otherwise).

Envelope encryption with AES-256-GCM (`cryptography`), sealed by `custodian.vault.sealing`: each value is
encrypted under its customer's data key with the customer id and field name bound as associated data, so a
ciphertext moved to another row or field fails to open.
"""

from cryptography.exceptions import InvalidTag as InvalidTagError  # noqa: F401 (re-exported for the gate)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from custodian.vault.sealing import NONCE_BYTES, key_cipher, value_ad


def open_value(data_key: bytes | AESGCM, customer_id: int, field: str, sealed: bytes) -> str:
    """Decrypt one value. Raises cryptography's InvalidTag if it was moved, altered or mis-bound. `data_key`
    may be the key's cipher (`cipher_of`), made once for the customer's several values."""
    return open_bytes(data_key, customer_id, field, sealed).decode("utf-8")


def cipher_of(data_key: bytes) -> AESGCM:
    """The data key's cipher, for opening several values of one customer: building it (the key schedule)
    costs about as much as opening a short value. Inside `sealing.data_keys_kept()` the cipher is kept with
    the key, and sealing under the same key (the chunk's bills) uses it too."""
    return key_cipher(data_key)


def open_values(cipher: AESGCM, customer_id: int, sealed_fields) -> dict[str, str]:
    """Decrypt one customer's values, given as (field, sealed) pairs, with its data key's cipher: a bulk read
    opens thousands, and one call per customer rather than one per value is a third of the work. Raises
    cryptography's InvalidTag as open_value does."""
    decrypt = cipher.decrypt
    out = {}
    for field, sealed in sealed_fields:
        if type(sealed) is not bytes:
            sealed = bytes(sealed)
        ad = value_ad(customer_id, field)
        out[field] = decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], ad).decode("utf-8")
    return out


def open_bytes(data_key: bytes | AESGCM, customer_id: int, field: str, sealed: bytes) -> bytes:
    """Decrypt a document. PRIVATE to the gate, like open_value."""
    if type(sealed) is not bytes:  # a memoryview from some drivers; bytes are used as they are
        sealed = bytes(sealed)
    cipher = data_key if isinstance(data_key, AESGCM) else AESGCM(data_key)
    return cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], value_ad(customer_id, field))
