"""Sign-in for the two pages: Cognito's managed login on the user pool's domain, one app client per page.

- The domain serves the newer managed login (version 2), styled with Cognito's own values
  (`CfnManagedLoginBranding`, one per client: a client without a style has no login page).
- Each page is a public client (a browser holds no secret): authorization code grant only, the page
  does PKCE (S256), scopes openid, email and profile, the callback and sign-out URL the page's own
  address on the site's origin. Short-lived tokens, kept in the page's memory; the refresh token
  lasts one working shift. No user-existence errors. Users read their tenant, never write it.
- API Gateway's Cognito authorizer accepts ID tokens from any client of the pool; the functions read
  the groups (operators, admins, finance) from the verified claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from constructs import Construct

CTX_DOMAIN_PREFIX: Final = "telefonist:signInDomainPrefix"
# The pages and the path each is served at (infra/constructs/web_hosting_construct.py's PAGES).
PAGE_PATHS: Final = {"operator": "/operator/", "mina-sidor": "/mina-sidor/"}
SCOPES: Final = ("openid", "email", "profile")
ID_TOKEN_VALIDITY: Final = cdk.Duration.minutes(15)
ACCESS_TOKEN_VALIDITY: Final = cdk.Duration.minutes(15)
REFRESH_TOKEN_VALIDITY: Final = cdk.Duration.hours(10)  # one working shift; refreshed in memory


@dataclass(frozen=True)
class PageSignIn:
    """What a page's config.json needs to sign in (deploy-time values)."""

    client: cognito.UserPoolClient
    redirect_uri: str

    def config(self, domain: str) -> dict[str, object]:
        return {
            "domain": domain,
            "client_id": self.client.user_pool_client_id,
            "redirect_uri": self.redirect_uri,
            "logout_uri": self.redirect_uri,
            "scopes": list(SCOPES),
        }


class SignInConstruct(Construct):
    """The managed login's domain and a public app client per page; `config(page)` for its config.json."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        user_pool: cognito.UserPool,
        site_origin: str,
        tenant_attribute: str,
        person_attribute: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        prefix = self.node.try_get_context(CTX_DOMAIN_PREFIX) or f"telefonist-{stack.account}"
        self.domain = user_pool.add_domain(
            "Domain",
            cognito_domain=cognito.CognitoDomainOptions(domain_prefix=prefix),
            managed_login_version=cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
        )
        self.domain_url = self.domain.base_url()
        self.pages = {
            page: self._page_client(
                user_pool, page, f"{site_origin}{path}", [tenant_attribute, *filter(None, [person_attribute])]
            )
            for page, path in PAGE_PATHS.items()
        }
        cdk.CfnOutput(self, "DomainUrl", value=self.domain_url, description="Cognito's managed login (both pages)")

    def config(self, page: str) -> dict[str, object]:
        """The `cognito` block of a page's config.json."""
        return self.pages[page].config(self.domain_url)

    def _page_client(
        self, user_pool: cognito.UserPool, page: str, page_url: str, custom_attributes: list[str]
    ) -> PageSignIn:
        name = "".join(part.title() for part in page.split("-"))
        client = user_pool.add_client(
            f"{name}Client",
            user_pool_client_name=f"telefonist-{page}",
            generate_secret=False,
            # Only the managed login signs people in (and the refresh token renews): no SRP, no passwords by API.
            auth_flows=cognito.AuthFlow(user_srp=False, user_password=False, admin_user_password=False, custom=False),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True, implicit_code_grant=False),
                scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
                callback_urls=[page_url],
                logout_urls=[page_url],
            ),
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, given_name=True, family_name=True)
            .with_custom_attributes(*custom_attributes),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(given_name=True, family_name=True),
            id_token_validity=ID_TOKEN_VALIDITY,
            access_token_validity=ACCESS_TOKEN_VALIDITY,
            refresh_token_validity=REFRESH_TOKEN_VALIDITY,
        )
        branding = cognito.CfnManagedLoginBranding(
            self,
            f"{name}Branding",
            user_pool_id=user_pool.user_pool_id,
            client_id=client.user_pool_client_id,
            use_cognito_provided_values=True,
        )
        branding.node.add_dependency(self.domain)  # the managed login's domain exists first
        return PageSignIn(client=client, redirect_uri=page_url)


__all__ = ["PAGE_PATHS", "SCOPES", "PageSignIn", "SignInConstruct"]
