"""Signatures as the Standard Webhooks specification writes them (standardwebhooks.com).

The signed content is "{webhook-id}.{webhook-timestamp}.{body}"; the signature is HMAC-SHA256
with the secret's bytes (the base64 after "whsec_"), base64-encoded and prefixed "v1,".
Written here from the specification; the tests check it with the reference library.
"""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    content = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
        "Content-Type": "application/json",
        "User-Agent": "Konsultasi-DJPK-Webhooks/1",
    }
