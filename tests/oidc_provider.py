"""A stub OpenID provider for single sign-on tests, run in the test process (no network).

`StubProvider` is a threaded http.server on 127.0.0.1 with the four endpoints a provider such as
Microsoft Entra ID offers: /authorize (redirects back with a code and the state), /token (checks
the client secret and the PKCE verifier, returns an ID token signed with an RSA key made here,
and an access token), /userinfo and /jwks. `configure` points the settings at it and at
`urlpatterns` here (the site's plus the sign-in flow, which the root URLconf only has when
OIDC_RP_CLIENT_ID is set at start-up).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import include, path

import qiregister.urls

urlpatterns = [
    path("oidc/", include(qiregister.urls.oidc_urlpatterns)),
    *qiregister.urls.urlpatterns,
]

CLIENT_ID = "qi-register-test"
CLIENT_SECRET = "stub-client-secret"  # noqa: S105


def _public_jwk(private_key, kid: str) -> dict:
    numbers = private_key.public_key().public_numbers()

    def b64(number: int) -> str:
        raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return {
        "kty": "RSA",
        "kid": kid,
        "use": "sig",
        "alg": "RS256",
        "n": b64(numbers.n),
        "e": b64(numbers.e),
    }


class StubProvider:
    """A minimal OpenID provider. Change `claims` or the `tamper_*` knobs per test."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "stub-key-1"
        self.claims: dict = {
            "sub": "entra-object-id-1",
            "email": "Jo.Bloggs@Trust.nhs.uk",
            "name": "Jo Bloggs",
            "given_name": "Jo",
            "family_name": "Bloggs",
        }
        self.id_token_claims: dict = {}  # claims only the ID token carries (Entra's groups)
        self.userinfo_claims: dict = {}  # claims only the userinfo endpoint answers
        self.tamper_signing_key = None  # sign with this key instead (same kid)
        self.tamper_nonce = None  # put this nonce in the ID token instead
        self.tamper_audience = None  # put this audience in the ID token instead
        self.codes: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.issuer = self.base
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StubProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        payload = {
            **self.claims,
            **self.id_token_claims,
            "iss": self.issuer,
            "aud": self.tamper_audience or CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": self.tamper_nonce or nonce,
        }
        key = self.tamper_signing_key or self.key
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": self.kid})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _json(self, body: dict, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/authorize":
                    assert query["client_id"] == CLIENT_ID
                    assert query["response_type"] == "code"
                    assert query["code_challenge_method"] == "S256"
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query
                    back = urlencode({"code": code, "state": query["state"]})
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri']}?{back}")
                    self.end_headers()
                elif url.path == "/userinfo":
                    if self.headers.get("Authorization") != "Bearer stub-access-token":
                        return self._json({"error": "invalid_token"}, 401)
                    self._json({**provider.claims, **provider.userinfo_claims})
                elif url.path == "/jwks":
                    self._json({"keys": [_public_jwk(provider.key, provider.kid)]})
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                request = provider.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "").encode()
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest())
                if (
                    self.path != "/token"
                    or request is None
                    or form.get("client_secret") != CLIENT_SECRET
                    or form.get("redirect_uri") != request["redirect_uri"]
                    or challenge.rstrip(b"=").decode() != request["code_challenge"]
                ):
                    return self._json({"error": "invalid_grant"}, 400)
                self._json(
                    {
                        "access_token": "stub-access-token",
                        "token_type": "Bearer",
                        "id_token": provider.id_token(request["nonce"]),
                    }
                )

        return Handler


def configure(settings, provider: StubProvider) -> StubProvider:
    """Single sign-on configured as the environment variables would, against the stub."""
    settings.ROOT_URLCONF = __name__
    settings.QIREGISTER_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.base}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.base}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.base}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.base}/jwks"
    settings.QIREGISTER_OIDC_ISSUER = provider.issuer
    settings.QIREGISTER_OIDC_DEPARTMENT_CLAIM = "department"
    settings.QIREGISTER_OIDC_DEPARTMENTS = {"Pharmacy and Medicines Optimisation": "pharmacy"}
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "qiregister.oidc.SingleSignOnBackend",
    ]
    return provider
