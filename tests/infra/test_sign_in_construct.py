"""Sign-in as synthesized (cdk-nag gated): the managed login's domain, a public code+PKCE client per page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from infra.constructs.sign_in_construct import PAGE_PATHS, SignInConstruct
from infra.constructs.web_hosting_construct import WebHostingConstruct
from tests.infra.site_helpers import site_stack


def _clients(template: Template) -> dict[str, dict[str, Any]]:
    return {
        c["Properties"]["ClientName"]: c["Properties"]
        for c in template.find_resources("AWS::Cognito::UserPoolClient").values()
    }


def _page_url(template: Template, path: str) -> dict[str, Any]:
    domain = {"Fn::GetAtt": [next(iter(template.find_resources("AWS::CloudFront::Distribution"))), "DomainName"]}
    return {"Fn::Join": ["", ["https://", domain, path]]}


def test_the_domain_serves_the_newer_managed_login(template: Template) -> None:
    (domain,) = template.find_resources("AWS::Cognito::UserPoolDomain").values()
    assert domain["Properties"]["ManagedLoginVersion"] == 2
    assert "CustomDomainConfig" not in domain["Properties"]


def test_each_page_has_a_public_code_only_client_on_its_own_url(template: Template) -> None:
    clients = _clients(template)
    assert set(clients) == {"telefonist-operator", "telefonist-mina-sidor"}
    for page, path in PAGE_PATHS.items():
        client = clients[f"telefonist-{page}"]
        assert client["GenerateSecret"] is False  # a browser keeps no secret: PKCE instead
        assert client["AllowedOAuthFlows"] == ["code"]  # no implicit grant
        assert client["AllowedOAuthFlowsUserPoolClient"] is True
        assert sorted(client["AllowedOAuthScopes"]) == ["email", "openid", "profile"]
        assert client["CallbackURLs"] == [_page_url(template, path)]
        assert client["LogoutURLs"] == [_page_url(template, path)]
        assert client["SupportedIdentityProviders"] == ["COGNITO"]
        assert client["PreventUserExistenceErrors"] == "ENABLED"
        assert client["EnableTokenRevocation"] is True
        # Only the managed login signs in; the refresh token renews (no SRP or password flows by API).
        assert client["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]


def test_tokens_are_short_lived_and_the_refresh_token_lasts_a_shift(template: Template) -> None:
    minutes = {"minutes": 1, "hours": 60, "days": 1440}
    for name, client in _clients(template).items():
        units = client["TokenValidityUnits"]
        assert client["IdTokenValidity"] * minutes[units["IdToken"]] <= 15, name
        assert client["AccessTokenValidity"] * minutes[units["AccessToken"]] <= 15, name
        assert client["RefreshTokenValidity"] * minutes[units["RefreshToken"]] <= 12 * 60, name


def test_users_read_but_never_write_their_tenant(template: Template) -> None:
    for name, client in _clients(template).items():
        assert "custom:tenant_id" in client["ReadAttributes"], name
        assert "custom:person_id" in client["ReadAttributes"], name  # an employees user's person
        assert "custom:tenant_id" not in client["WriteAttributes"], name
        assert "custom:person_id" not in client["WriteAttributes"], name


def test_each_client_has_the_managed_login_style_cognito_provides(template: Template) -> None:
    clients = {
        logical_id: c["Properties"]["ClientName"]
        for logical_id, c in template.find_resources("AWS::Cognito::UserPoolClient").items()
    }
    brandings = template.find_resources("AWS::Cognito::ManagedLoginBranding")
    styled = {clients[b["Properties"]["ClientId"]["Ref"]] for b in brandings.values()}
    assert styled == set(clients.values())
    (domain_id,) = template.find_resources("AWS::Cognito::UserPoolDomain")
    for branding in brandings.values():
        assert branding["Properties"]["UseCognitoProvidedValues"] is True
        assert domain_id in branding["DependsOn"]


def _site_with_sign_in(dist: Path) -> Template:
    app, stack, logs = site_stack()
    pool = cognito.UserPool(
        stack,
        "Pool",
        custom_attributes={"tenant_id": cognito.StringAttribute(mutable=False)},
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    cdk.Validations.of(pool).acknowledge(
        *(
            cdk.Acknowledgment(id=f"AwsSolutions::AwsSolutions-{rule}", reason="test pool")
            for rule in ("COG1", "COG2", "COG3", "COG8")
        )
    )
    origin = "https://site.example.com"
    sign_in = SignInConstruct(stack, "SignIn", user_pool=pool, site_origin=origin, tenant_attribute="tenant_id")
    WebHostingConstruct(
        stack,
        "Web",
        access_logs_bucket=logs,
        api_origin="https://api.example.com",
        cognito_origins=[sign_in.domain_url],
        operator_config={
            "host": "connect",
            "api_url": "https://api.example.com/v1/",
            "cognito": sign_in.config("operator"),
        },
        mina_sidor_config={
            "host": "cognito",
            "api_url": "https://api.example.com/v1/",
            "cognito": sign_in.config("mina-sidor"),
        },
        dist_dir=dist,
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    return Template.from_stack(stack)


def test_each_page_s_config_json_names_the_managed_login_and_its_own_client(tmp_path: Path) -> None:
    for page in ("operator.html", "mina-sidor.html"):
        (tmp_path / page).write_text(f"<!doctype html><title>{page}</title>", encoding="utf-8")
    template = _site_with_sign_in(tmp_path)
    clients = {
        c["Properties"]["ClientName"]: logical_id
        for logical_id, c in template.find_resources("AWS::Cognito::UserPoolClient").items()
    }
    (domain_id,) = template.find_resources("AWS::Cognito::UserPoolDomain")
    (pages,) = [
        d["Properties"]
        for d in template.find_resources("Custom::CDKBucketDeployment").values()
        if d["Properties"]["SystemMetadata"]["cache-control"] == "no-cache"
    ]
    # Source.json_data: the deploy-time values are markers, one set per config.json.
    configs = [json.dumps(markers) for markers in pages["SourceMarkers"] if markers]
    assert len(configs) == 2
    for page in PAGE_PATHS:
        (config,) = [c for c in configs if clients[f"telefonist-{page}"] in c]
        assert domain_id in config
        assert ".auth.eu-central-1.amazoncognito.com" in config
        other = next(p for p in PAGE_PATHS if p != page)
        assert clients[f"telefonist-{other}"] not in config
