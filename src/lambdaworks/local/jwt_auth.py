"""JWT authorizers (HTTP API): signature against the issuer's JWKS, then issuer, audience and times.

The JWKS comes from the authorizer's ``jwks`` (native config), a ``--jwks ISSUER=FILE_OR_URL``
option, or, for an issuer on loopback, OpenID discovery (``ISSUER/.well-known/openid-configuration``)
as API Gateway does it. Keys are cached and fetched again when a token names an unknown ``kid``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lambdaworks.project.model import Authorizer

ALGORITHMS = ["RS256", "RS384", "RS512"]  # API Gateway accepts RSA-signed tokens
REFETCH_AFTER = 30.0  # seconds between JWKS fetches caused by an unknown kid
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class JwtRejected(Exception):
    """The token is not valid for this authorizer; the message is the error_description."""


def is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK


def token_scopes(claims: Mapping[str, Any]) -> list[str]:
    """``scope`` (space-separated) or ``scp`` (a list or a string)."""
    raw = claims.get("scope", claims.get("scp"))
    if isinstance(raw, str):
        return raw.split()
    if isinstance(raw, list):
        return [str(item) for item in raw]
    return []


def stringify_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """Claims as HTTP API passes them on: every value a string, lists as ``[a b]``."""
    out = {}
    for key, value in claims.items():
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, list):
            out[key] = "[" + " ".join(str(v) for v in value) + "]"
        elif isinstance(value, dict):
            out[key] = json.dumps(value)
        else:
            out[key] = str(value)
    return out


def _fetch_json(location: str) -> Any:
    if location.startswith(("http://", "https://")):
        import urllib.request  # only for a JWKS served over HTTP: http.client and email cost dev's start-up ~10 ms

        with urllib.request.urlopen(location, timeout=5) as response:
            return json.loads(response.read())
    return json.loads(Path(location).read_text())


class JwtVerifier:
    """Verifies tokens for JWT authorizers; ``sources`` maps issuers to JWKS files or URLs."""

    def __init__(self, sources: Mapping[str, str] | None = None) -> None:
        self.sources = dict(sources or {})
        self.keys: dict[str, tuple[float, dict[str, Any]]] = {}  # issuer -> (fetched at, kid -> key)

    def source(self, authorizer: Authorizer) -> str | None:
        """Where this authorizer's keys come from (None: nowhere reachable locally)."""
        issuer = authorizer.issuer or ""
        if authorizer.jwks:
            return authorizer.jwks
        if issuer in self.sources or issuer.rstrip("/") in self.sources:
            return self.sources.get(issuer) or self.sources[issuer.rstrip("/")]
        if is_loopback(issuer):
            return issuer.rstrip("/") + "/.well-known/openid-configuration"
        return None

    async def _load(self, authorizer: Authorizer) -> dict[str, Any]:
        import jwt

        location = self.source(authorizer)
        if location is None:
            raise JwtRejected(f"no JWKS for issuer {authorizer.issuer} (pass --jwks ISSUER=FILE_OR_URL)")
        try:
            document = await asyncio.to_thread(_fetch_json, location)
            if location.endswith("/.well-known/openid-configuration"):
                document = await asyncio.to_thread(_fetch_json, str(document["jwks_uri"]))
            keys = {}
            for entry in document.get("keys", []):
                key = jwt.PyJWK.from_dict(entry)
                keys[str(entry.get("kid", ""))] = key.key
        except (OSError, ValueError, KeyError, jwt.PyJWKError) as exc:
            raise JwtRejected(f"cannot read the JWKS at {location}: {exc}") from exc
        self.keys[authorizer.issuer or ""] = (time.monotonic(), keys)
        return keys

    async def key(self, authorizer: Authorizer, kid: str) -> Any:
        cached = self.keys.get(authorizer.issuer or "")
        keys = cached[1] if cached else await self._load(authorizer)
        if kid not in keys and cached is not None and time.monotonic() - cached[0] > REFETCH_AFTER:
            keys = await self._load(authorizer)  # the issuer may have rotated its keys
        if kid not in keys:
            raise JwtRejected(f"no key {kid!r} in the issuer's JWKS")
        return keys[kid]

    async def verify(self, authorizer: Authorizer, token: str) -> dict[str, Any]:
        """The token's claims, or :class:`JwtRejected` saying why not."""
        import jwt  # PyJWT and cryptography: 30 ms, paid by the first JWT-authorized request, not by start-up

        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as exc:
            raise JwtRejected("the token is not a JWT") from exc
        if header.get("alg") not in ALGORITHMS:
            raise JwtRejected(f"unsupported algorithm {header.get('alg')!r}")
        key = await self.key(authorizer, str(header.get("kid", "")))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=ALGORITHMS,
                issuer=authorizer.issuer or None,
                options={"verify_aud": False, "require": ["exp", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise JwtRejected("the token has expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise JwtRejected("the token is not valid yet") from exc
        except jwt.InvalidIssuerError as exc:
            raise JwtRejected("the token has an unexpected issuer") from exc
        except jwt.InvalidTokenError as exc:
            raise JwtRejected(f"invalid token: {exc}") from exc
        audience = claims.get("aud", claims.get("client_id"))
        given = audience if isinstance(audience, list) else [audience]
        if authorizer.audience and not set(authorizer.audience) & {str(a) for a in given if a is not None}:
            raise JwtRejected("the token does not have a valid audience")
        return claims
