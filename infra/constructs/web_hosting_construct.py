"""Hosting of the two front-ends (web/dist): a private S3 bucket behind CloudFront.

- The bucket is private (no public access, TLS only, versioned, access-logged); CloudFront reads it
  through origin access control (OAC), signed requests scoped to this distribution.
- Response headers: a CSP without inline scripts (`script-src 'self'`), HSTS, nosniff and
  Referrer-Policy. Mina sidor may not be framed at all; the operator page (`/operator*`, its own
  cache behavior and policy) only by Amazon Connect's agent workspace (`frame-ancestors`).
- Pages: `operator/index.html` and `mina-sidor/index.html` (each beside its `config.json`, as
  `telefonist serve` serves them), `assets/` at the root. Deployed only when `web/dist` has been
  built: a synth never needs the web toolchain.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

WEB_DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
# Where Amazon Connect's agent workspace runs: the only pages allowed to frame the operator page.
CONNECT_ORIGINS = ("https://*.my.connect.aws", "https://*.awsapps.com")
# The built pages and the path each is served at (beside its config.json).
PAGES = {"operator.html": "operator/index.html", "mina-sidor.html": "mina-sidor/index.html"}
# Deployed when built (a dist from before it existed still deploys the others): the employee's own
# status page (issue 21), beside its config.json naming the API.
OPTIONAL_PAGES = {"status.html": "status/index.html"}
OPERATOR_PATH = "/operator*"
SKIPPED_NOTE = "web/dist is not built (run `make web`): the site's bucket and distribution are created, no pages"


def content_security_policy(connect_src: list[str], frame_ancestors: list[str]) -> str:
    """Scripts and styles from the site only (no inline scripts), API calls to the named origins."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src " + " ".join(["'self'", *connect_src]),
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors " + (" ".join(frame_ancestors) if frame_ancestors else "'none'"),
        ]
    )


class WebHostingConstruct(Construct):
    """Bucket + distribution + headers policies; `site_origin` is what the API's CORS allows."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        access_logs_bucket: s3.IBucket,
        api_origin: str,
        cognito_origins: list[str],
        operator_config: dict[str, object] | None = None,
        mina_sidor_config: dict[str, object] | None = None,
        status_config: dict[str, object] | None = None,
        dist_dir: Path = WEB_DIST,
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "SiteBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=access_logs_bucket,
            server_access_logs_prefix="SiteBucket/",
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        connect_src = [api_origin, *cognito_origins]
        self.site_policy = self._headers_policy("SiteHeaders", connect_src, frame_ancestors=[])
        self.operator_policy = self._headers_policy(
            "OperatorHeaders", connect_src, frame_ancestors=list(CONNECT_ORIGINS)
        )
        origin = origins.S3BucketOrigin.with_origin_access_control(self.bucket)
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="telefonist: operator page and Mina sidor",
            default_root_object=PAGES["mina-sidor.html"],
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=access_logs_bucket,
            log_file_prefix="SiteDistribution/",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self.site_policy,
            ),
            additional_behaviors={
                OPERATOR_PATH: cloudfront.BehaviorOptions(
                    origin=origin,
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                    cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                    response_headers_policy=self.operator_policy,
                )
            },
        )
        self.site_origin = f"https://{self.distribution.distribution_domain_name}"
        self.site_url = f"{self.site_origin}/{PAGES['mina-sidor.html'].removesuffix('index.html')}"
        self._acknowledge()
        self._status_config = status_config
        self.deployment = self._deploy(dist_dir, operator_config, mina_sidor_config)
        cdk.CfnOutput(self, "SiteUrl", value=self.site_url, description="Mina sidor (the operator page: /operator/)")

    def _headers_policy(
        self, construct_id: str, connect_src: list[str], *, frame_ancestors: list[str]
    ) -> cloudfront.ResponseHeadersPolicy:
        return cloudfront.ResponseHeadersPolicy(
            self,
            construct_id,
            comment="telefonist: " + ("operator page, framed by Amazon Connect" if frame_ancestors else "Mina sidor"),
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(connect_src, frame_ancestors), override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=cdk.Duration.days(365), include_subdomains=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
                ),
                # X-Frame-Options has no allow-list: only the page nobody may frame sends it.
                frame_options=None
                if frame_ancestors
                else cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
            ),
        )

    def _deploy(
        self,
        dist_dir: Path,
        operator_config: dict[str, object] | None,
        mina_sidor_config: dict[str, object] | None,
    ) -> s3deploy.BucketDeployment | None:
        if not all((dist_dir / page).is_file() for page in PAGES):
            cdk.Annotations.of(self).add_info(SKIPPED_NOTE)
            return None
        # Hashed assets keep a year; the pages and their config.json are revalidated on every load
        # (no CloudFront invalidation: its IAM actions have no resource-level permissions).
        assets = s3deploy.Source.asset(str(dist_dir), exclude=[*PAGES, *OPTIONAL_PAGES, "*.map"])
        built = {**PAGES, **{page: key for page, key in OPTIONAL_PAGES.items() if (dist_dir / page).is_file()}}
        pages = [
            s3deploy.Source.data(key, (dist_dir / page).read_text(encoding="utf-8")) for page, key in built.items()
        ]
        if "status.html" in built and self._status_config is not None:
            pages.append(s3deploy.Source.json_data("status/config.json", self._status_config))
        for folder, config in (("operator", operator_config), ("mina-sidor", mina_sidor_config)):
            if config is not None:
                pages.append(s3deploy.Source.json_data(f"{folder}/config.json", config))
        role = iam.Role(
            self,
            "DeployRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="telefonist: copies web/dist into the site bucket (CDK's BucketDeployment)",
        )
        log_group = logs.LogGroup(
            self, "DeployLogs", retention=logs.RetentionDays.THREE_MONTHS, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        log_group.grant_write(role)
        common = {"destination_bucket": self.bucket, "role": role, "log_group": log_group, "prune": False}
        s3deploy.BucketDeployment(
            self,
            "Assets",
            sources=[assets],
            cache_control=[s3deploy.CacheControl.from_string("public, max-age=31536000, immutable")],
            **common,  # type: ignore[arg-type]
        )
        deployment = s3deploy.BucketDeployment(
            self,
            "Pages",
            sources=pages,
            cache_control=[s3deploy.CacheControl.no_cache()],
            **common,  # type: ignore[arg-type]
        )
        self._acknowledge_deployment(role)
        return deployment

    def _acknowledge_deployment(self, role: iam.Role) -> None:
        """CDK's BucketDeployment: its own grants and its singleton function, which CDK defines."""
        stack = cdk.Stack.of(self)
        bucket_resource = self.bucket.node.default_child
        assert isinstance(bucket_resource, cdk.CfnElement)
        evidence = [
            *(f"Action::s3:{action}*" for action in ("GetBucket", "GetObject", "List", "Abort", "DeleteObject")),
            f"Resource::<{stack.get_logical_id(bucket_resource)}.Arn>/*",
            *(
                f"Resource::arn:{partition}:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-{stack.region}/*"
                for partition in ("aws", "<AWS::Partition>")
            ),
        ]
        cdk.Validations.of(role).acknowledge(
            *(
                cdk.Acknowledgment(
                    id=f"AwsSolutions::AwsSolutions-IAM5[{finding}]",
                    reason="CDK's BucketDeployment grants: read of the deployment's asset objects in the CDK "
                    "bootstrap bucket, write and delete of objects in the site bucket; nothing else",
                )
                for finding in evidence
            )
        )
        for child in stack.node.children:
            if child.node.id.startswith("Custom::CDKBucketDeployment"):
                cdk.Validations.of(child).acknowledge(
                    cdk.Acknowledgment(
                        id="AwsSolutions::AwsSolutions-L1",
                        reason="CDK's BucketDeployment function: CDK picks and updates its runtime",
                    ),
                    cdk.Acknowledgment(
                        id="Serverless::Serverless-LambdaLatestVersion",
                        reason="CDK's BucketDeployment function: CDK picks and updates its runtime",
                    ),
                    cdk.Acknowledgment(
                        id="Serverless::Serverless-LambdaDLQ",
                        reason="Called synchronously by CloudFormation during a deploy, which fails and rolls back "
                        "on an error: nothing to retry later",
                    ),
                    cdk.Acknowledgment(
                        id="Serverless::Serverless-LambdaTracing",
                        reason="Runs only during a deploy (a copy of static files); its logs are kept 90 days",
                    ),
                )

    def _acknowledge(self) -> None:
        findings = {
            "AwsSolutions::AwsSolutions-CFR1": "Geo restriction: customers' staff and operators may work from "
            "anywhere; every API call needs a Cognito token, the pages hold no data",
            "AwsSolutions::AwsSolutions-CFR2": "WAF: the distribution serves static files only (no forms, no "
            "origin logic); the API behind the pages is throttled and needs a token",
            "AwsSolutions::AwsSolutions-CFR4": "CloudFront's default certificate (*.cloudfront.net) allows "
            "TLSv1 for old clients and cannot be pinned higher; a custom domain with its ACM certificate "
            "(TLSv1.2_2021 set here) lifts this",
        }
        cdk.Validations.of(self.distribution).acknowledge(
            *(cdk.Acknowledgment(id=finding, reason=reason) for finding, reason in findings.items())
        )


__all__ = ["CONNECT_ORIGINS", "WebHostingConstruct", "content_security_policy"]
