"""The site's hosting as synthesized (cdk-nag gated): private bucket, OAC, headers, the API's CORS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from infra.constructs.web_hosting_construct import CONNECT_ORIGINS, OPERATOR_PATH, WebHostingConstruct
from tests.infra.site_helpers import site_stack


def _csp(policy: dict[str, Any]) -> str:
    value = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"][
        "ContentSecurityPolicy"
    ]
    if isinstance(value, str):
        return value
    return "".join(part if isinstance(part, str) else "<token>" for part in value["Fn::Join"][1])


def _directives(csp: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in csp.split(";")) if d}


def _policies(template: Template) -> dict[str, dict[str, Any]]:
    return {
        logical_id: policy
        for logical_id, policy in template.find_resources("AWS::CloudFront::ResponseHeadersPolicy").items()
    }


def _distribution(template: Template) -> dict[str, Any]:
    found = template.find_resources("AWS::CloudFront::Distribution")
    assert len(found) == 1
    return next(iter(found.values()))["Properties"]["DistributionConfig"]


def test_the_site_bucket_is_private_tls_only_versioned_and_logged(template: Template) -> None:
    buckets = {k: v for k, v in template.find_resources("AWS::S3::Bucket").items() if k.startswith("WebSiteBucket")}
    assert len(buckets) == 1
    logical_id, bucket = next(iter(buckets.items()))
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["VersioningConfiguration"]["Status"] == "Enabled"
    assert "LoggingConfiguration" in props
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    policies = template.find_resources("AWS::S3::BucketPolicy").values()
    (policy,) = [p for p in policies if p["Properties"]["Bucket"] == {"Ref": logical_id}]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    tls_only = {"Bool": {"aws:SecureTransport": "false"}}
    assert any(s["Effect"] == "Deny" and s["Condition"] == tls_only for s in statements)
    # Only CloudFront reads, and only for this distribution (OAC's SourceArn condition).
    readers = [s for s in statements if s["Effect"] == "Allow"]
    assert readers, "no read grant for CloudFront"
    for statement in readers:
        assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        assert "AWS:SourceArn" in statement["Condition"]["StringEquals"]


def test_cloudfront_reads_the_bucket_through_origin_access_control(template: Template) -> None:
    oacs = template.find_resources("AWS::CloudFront::OriginAccessControl")
    assert len(oacs) == 1
    config = next(iter(oacs.values()))["Properties"]["OriginAccessControlConfig"]
    assert config["OriginAccessControlOriginType"] == "s3"
    assert config["SigningBehavior"] == "always"
    distribution = _distribution(template)
    for origin in distribution["Origins"]:
        assert "OriginAccessControlId" in origin
        assert origin["S3OriginConfig"].get("OriginAccessIdentity", "") == ""
    assert distribution["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"


def test_no_page_allows_inline_scripts_and_every_page_gets_hsts_and_nosniff(template: Template) -> None:
    policies = _policies(template)
    assert len(policies) == 2
    for logical_id, policy in policies.items():
        directives = _directives(_csp(policy))
        assert directives["script-src"] == ["'self'"], logical_id
        assert "'unsafe-inline'" not in _csp(policy), logical_id
        assert "'unsafe-eval'" not in _csp(policy), logical_id
        assert "<token>" in "".join(directives["connect-src"]), "connect-src names the API's origin"
        headers = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
        assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
        assert headers["ContentTypeOptions"]["Override"] is True
        assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"


def test_only_connect_may_frame_the_operator_page_and_nobody_mina_sidor(template: Template) -> None:
    distribution = _distribution(template)
    (behavior,) = distribution["CacheBehaviors"]
    assert behavior["PathPattern"] == OPERATOR_PATH
    policies = _policies(template)
    operator = policies[behavior["ResponseHeadersPolicyId"]["Ref"]]
    site = policies[distribution["DefaultCacheBehavior"]["ResponseHeadersPolicyId"]["Ref"]]
    assert _directives(_csp(operator))["frame-ancestors"] == list(CONNECT_ORIGINS)
    assert CONNECT_ORIGINS == ("https://*.my.connect.aws", "https://*.awsapps.com")
    assert _directives(_csp(site))["frame-ancestors"] == ["'none'"]
    site_headers = site["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert site_headers["FrameOptions"]["FrameOption"] == "DENY"
    assert "FrameOptions" not in operator["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]


def test_the_apis_cors_allows_only_the_sites_origin(template: Template) -> None:
    domain = {"Fn::GetAtt": [next(iter(template.find_resources("AWS::CloudFront::Distribution"))), "DomainName"]}
    expected = {"Fn::Join": ["", ["'https://", domain, "'"]]}
    options = [
        m["Properties"]
        for m in template.find_resources("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == "OPTIONS"
    ]
    assert options, "no CORS preflight"
    for method in options:
        (response,) = method["Integration"]["IntegrationResponses"]
        assert response["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"] == expected
    gateway = template.find_resources("AWS::ApiGateway::GatewayResponse")
    assert {g["Properties"]["ResponseType"] for g in gateway.values()} == {"DEFAULT_4XX", "DEFAULT_5XX"}
    for response in gateway.values():
        assert response["Properties"]["ResponseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"] == (
            expected
        )


def test_the_site_url_is_an_output(template: Template) -> None:
    outputs = template.find_outputs("*")
    assert any(key.startswith("WebSiteUrl") for key in outputs)


def _stack_with_dist(dist: Path) -> Template:
    app, stack, logs = site_stack()
    WebHostingConstruct(
        stack,
        "Web",
        access_logs_bucket=logs,
        api_origin="https://api.example.com",
        cognito_origins=["https://cognito-idp.eu-central-1.amazonaws.com"],
        operator_config={"host": "connect", "api_url": "https://api.example.com/v1/"},
        dist_dir=dist,
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    return Template.from_stack(stack)


def test_the_pages_are_deployed_beside_their_config_when_built(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "operator-x.js").write_text("export {};", encoding="utf-8")
    for page in ("operator.html", "mina-sidor.html"):
        (tmp_path / page).write_text(f"<!doctype html><title>{page}</title>", encoding="utf-8")
    template = _stack_with_dist(tmp_path)
    deployments = template.find_resources("Custom::CDKBucketDeployment")
    assert len(deployments) == 2  # hashed assets (cached a year) and the pages with config.json (no-cache)
    (site_bucket,) = [k for k in template.find_resources("AWS::S3::Bucket") if k.startswith("WebSiteBucket")]
    caches = set()
    for deployment in deployments.values():
        props = deployment["Properties"]
        assert props["DestinationBucketName"] == {"Ref": site_bucket}
        assert props["Prune"] is False
        caches.add(tuple(props["SystemMetadata"]["cache-control"].split(", ")))
    assert ("no-cache",) in caches


def test_the_status_page_is_deployed_when_built(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    for page in ("operator.html", "mina-sidor.html", "status.html"):
        (tmp_path / page).write_text(f"<!doctype html><title>{page}</title>", encoding="utf-8")
    with_status = _stack_with_dist(tmp_path)
    (tmp_path / "status.html").unlink()
    without_status = _stack_with_dist(tmp_path)
    sources = [
        len(d["Properties"]["SourceObjectKeys"])
        for d in with_status.find_resources("Custom::CDKBucketDeployment").values()
    ]
    fewer = [
        len(d["Properties"]["SourceObjectKeys"])
        for d in without_status.find_resources("Custom::CDKBucketDeployment").values()
    ]
    assert sum(sources) == sum(fewer) + 1  # status/index.html beside the other two pages


def test_without_a_built_dist_the_site_has_no_deployment(tmp_path: Path) -> None:
    template = _stack_with_dist(tmp_path)
    assert template.find_resources("Custom::CDKBucketDeployment") == {}
    assert len(template.find_resources("AWS::CloudFront::Distribution")) == 1


def test_every_function_behind_the_api_knows_the_site_s_origin(template: Template) -> None:
    handlers = {
        "functions.self_service.handler.lambda_handler",
        "functions.directory_lookup.handler.lambda_handler",
        "functions.notify.handler.lambda_handler",
        "functions.transfer.handler.lambda_handler",
    }
    found = {
        fn["Properties"]["Handler"]: fn["Properties"]["Environment"]["Variables"]
        for fn in template.find_resources("AWS::Lambda::Function").values()
        if fn["Properties"].get("Handler") in handlers
    }
    assert set(found) == handlers
    for variables in found.values():
        assert "DomainName" in json.dumps(variables["SITE_ORIGIN"])  # the distribution's domain
