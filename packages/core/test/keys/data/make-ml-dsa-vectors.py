"""Writes ml-dsa-65.json: ML-DSA-65 vectors from an independent implementation (OpenSSL through
pyca/cryptography >= 48), for the TypeScript tests to check @noble/post-quantum and our TAP 21
encoding against. Run from this folder: python3 make-ml-dsa-vectors.py > ml-dsa-65.json
"""

import hashlib
import json

import cryptography
from cryptography.hazmat.backends.openssl import backend
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import mldsa


def canonical(value):
    """OLPC canonical JSON (TUF): sorted keys, no whitespace, only quote and backslash escaped."""
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(canonical(k) + ":" + canonical(v) for k, v in items) + "}"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    raise TypeError(type(value))


SEEDS = [
    bytes(32),
    bytes(range(32)),
    hashlib.sha256(b"patchcast ml-dsa-65 vector 3").digest(),
]
SIGNED = {
    "_type": "timestamp",
    "expires": "2030-01-02T00:00:00Z",
    "meta": {"snapshot.json": {"version": 7}},
    "spec_version": "1.0.31",
    "version": 7,
    "x-note": 'quote " backslash \\ newline \n',
}


def vector(seed):
    private_key = mldsa.MLDSA65PrivateKey.from_seed_bytes(seed)
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    key = {"keytype": "ml-dsa", "keyval": {"public": public_pem}, "scheme": "ml-dsa-65/1"}
    message = canonical(SIGNED).encode()
    presigning = b"tuf\x01" + hashlib.sha512(message).digest()
    return {
        "seed": seed.hex(),
        "publicPem": public_pem,
        "keyid": hashlib.sha256(canonical(key).encode()).hexdigest(),
        "message": message.decode(),
        "tap21Signature": private_key.sign(presigning).hex(),
        "pureSignature": private_key.sign(message).hex(),
    }


print(
    json.dumps(
        {
            "generator": f"pyca/cryptography {cryptography.__version__} ({backend.openssl_version_text()})",
            "vectors": [vector(seed) for seed in SEEDS],
        },
        indent=1,
    )
)
