"""The OpenID Connect relying party: mozilla-django-oidc's authorization code flow (with PKCE
and a nonce), with a stricter ID token check and our own account and role mapping.

mozilla-django-oidc checks the signature and the nonce only. Here every ID token must also carry
our client id as audience (and as `azp` when there are several), the configured issuer, and an
expiry and issue time that are valid (a minute of leeway for clock skew). Every refusal is a
SuspiciousOperation, which the callback view turns into a clear page, never a 500.
"""

import logging

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .services import SignInRefused, claim_values, identity_sign_in

logger = logging.getLogger(__name__)

LEEWAY_SECONDS = 60
# Claims of the ID token that the userinfo response may not replace.
PROTECTED_CLAIMS = frozenset({"iss", "sub", "aud", "azp", "exp", "iat", "nbf", "nonce", "auth_time"})


class OidcBackend(OIDCAuthenticationBackend):
    def _verify_jws(self, payload, key):
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.InvalidTokenError:
            raise SuspiciousOperation("ID token refused: not a JWT") from None
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("ID token refused: unexpected signing algorithm")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.KCC_OIDC_ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidTokenError as exc:
            # The exception's class says why (ExpiredSignatureError, InvalidAudienceError, ...);
            # its text may quote claims, so it is not logged.
            raise SuspiciousOperation(f"ID token refused: {type(exc).__name__}") from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token refused: azp is not this client")
        return claims

    def retrieve_matching_jwk(self, token):
        try:
            return super().retrieve_matching_jwk(token)
        except (KeyError, ValueError, jwt.InvalidTokenError):
            raise SuspiciousOperation("ID token refused: no matching signing key") from None

    def get_userinfo(self, access_token, id_token, payload):
        """The verified ID token's claims, completed by the userinfo endpoint when one is set
        (Entra ID sends groups in the ID token only; Keycloak and others in both)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if not isinstance(userinfo, dict) or userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("userinfo refused: its subject is not the ID token's")
            claims.update({k: v for k, v in userinfo.items() if k not in PROTECTED_CLAIMS})
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def describe_user_by_claims(self, claims):
        return "an account of the identity provider"  # the library logs this: no personal data

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("ID token refused: no subject")
        try:
            return identity_sign_in(
                issuer=settings.KCC_OIDC_ISSUER,
                claims=claims,
                groups=claim_values(claims, settings.KCC_OIDC_GROUPS_CLAIMS),
                username_claim=settings.KCC_OIDC_USERNAME_CLAIM,
                create_users=settings.KCC_OIDC_CREATE_USERS,
            )
        except SignInRefused as refused:
            logger.warning("SSO sign-in refused: %s", refused.reason.value)
            self.request.kcc_sso_refusal = refused.reason
            return None

