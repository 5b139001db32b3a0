"""Cold starts: every function's import plus first invocation, as a ratio to `import boto3`.

Each measurement is a fresh interpreter (a subprocess), as a Lambda cold start is: one imports
`functions.<name>.handler` and invokes `lambda_handler` once with an AWS-shaped event; its pair
imports only boto3. Pairs alternate (baseline, function, baseline, function...) so that both see the
same load on this shared machine; the figure is the child's whole-process CPU time (user + system,
from the kernel's accounting of the child: waiting for the CPU is not counted), the ratio the
median over pairs of function / baseline. Wall time is printed beside it.

AWS is a moto server in this process (the children call it over HTTP, as a function calls AWS),
seeded with the demo customer. `AWS_LAMBDA_FUNCTION_NAME` is set as in Lambda (Powertools then
counts the Tracer as enabled); `--traced` also sets an X-Ray trace header, as a sampled invocation
with active tracing has.

A function whose package carries trimmed service models (infra/botocore_models.py: transfer and
provisioning, Connect's) gets them in AWS_DATA_PATH, as its package and CDK give it in Lambda.

Bytecode: the children use the `.pyc` files the warm-up run wrote, as the Lambda packages do
(infra/bundling.py compiles every module, unchecked-hash). `--no-bytecode` measures a package built
without them, as they were until 2026-11-30 (each cold start compiled every module of its package):
the function's children read no `.pyc` outside the standard library and the runtime's own packages
(boto3 and its dependencies: Lambda's runtime has those compiled).

    PYTHONPATH=layers:. python benchmarks/cold_start.py [--pairs 5] [--only contact_flow,rating] [--profile DIR]

`--against DIR` measures a change: each round also runs the same child from another checkout (e.g. a
`git worktree` of the code before it), this tree's and DIR's in alternating order after the round's
boto3 child, against the same moto; each function's row adds DIR's ratio and the CPU of this tree's
child over DIR's (median of the rounds, and min over min: the least disturbed of each).

The last line is JSON. Goal: every ratio ≤ 2.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers"), str(ROOT)]
GOAL_RATIO = 2.0
TENANT = "demo"
CONTACT_ID = "6b1f6a2e-0f4f-4d39-9a57-3f1c9a1e2b10"  # Connect contact ids are UUIDs
# Kinesis consumers whose every cold start must see contacts never seen before: the ledger would
# refuse the same records again (a redelivery), and the first invocation's table write is the cost.
FRESH_CONTACTS = {"rating"}
# The billing table's catalog as in AWS, Glue (moto's), with the table created before (CDK's, in
# AWS); `--sql-catalog` gives the local default instead: a SQLite catalog per process, which
# creates the table on every cold start.
GLUE_CATALOG_FUNCTIONS = {"rating"}
# Nothing emulates Connect: the transfer's UpdateContactAttributes reaches moto, which does not know it,
# so the function answers its degraded 503 after building the Connect client and calling it once.
EXPECTED_STATUS = {"transfer": "503"}


def _rest(method: str, path: str, resource_path: str, params: dict[str, str], claims: dict[str, str]) -> dict[str, Any]:
    """The local tooling's API Gateway event (telefonist_local.api_events), with the route's resource
    and path parameters as API Gateway fills them in."""
    from telefonist_local.api_events import rest_event

    event = rest_event(method, path, claims=claims)
    event["resource"] = event["requestContext"]["resourcePath"] = resource_path
    event["pathParameters"] = params or None
    return event


def events(tenant: str, person_id: str, person_number: str, dialed: str) -> dict[str, Any]:
    """One realistic first invocation per function."""
    operator = {"sub": "op-1", "cognito:groups": "operators", "token_use": "id"}
    admin = {"sub": "admin-1", "cognito:groups": "admins", "custom:tenant_id": tenant, "token_use": "id"}
    connect = json.loads((ROOT / "tests/events/connect-lambda-event.json").read_text())
    connect["Details"]["ContactData"].setdefault("Attributes", {})["dialed_number"] = dialed
    connect["Details"]["ContactData"]["SystemEndpoint"] = {"Address": dialed, "Type": "TELEPHONE_NUMBER"}
    form = f"/tenants/{tenant}/people/{person_id}/message-form"
    transfer = f"/operator/tenants/{tenant}/contacts/{CONTACT_ID}/transfer"
    transfer_event = _rest(
        "PUT",
        transfer,
        "/operator/tenants/{tenant_id}/contacts/{contact_id}/transfer",
        {"tenant_id": tenant, "contact_id": CONTACT_ID},
        operator,
    )
    transfer_event["body"] = json.dumps({"person_id": person_id, "number": person_number, "mode": "blind"})
    sign_in_link = _rest("POST", "/employee/sign-in-link", "/employee/sign-in-link", {}, {})
    sign_in_link["requestContext"].pop("authorizer")  # the employee's routes have no Cognito authorizer
    sign_in_link["body"] = json.dumps({"mobile": person_number})
    handshake = _rest("POST", "/calendar/notifications", "/calendar/notifications", {}, {})
    handshake["requestContext"].pop("authorizer")
    handshake["queryStringParameters"] = {"validationToken": "cold start"}
    sms = {
        "originationNumber": person_number,
        "destinationNumber": dialed,
        "messageKeyword": "KEYWORD_123456789012",
        "messageBody": "LUNCH 13",
        "inboundMessageId": "cae173d2-66b9-564c-8309-21f858e9fb84",
        "previousPublishedMessageId": "wJalrXUtnFEMI",
    }
    sns_record = {"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": "arn:aws:sns:x"}
    return {
        "contact_flow": connect,
        "directory_lookup": _rest(
            "GET",
            f"/operator/tenants/{tenant}/directory",
            "/operator/tenants/{tenant_id}/directory",
            {"tenant_id": tenant},
            operator,
        )
        | {"queryStringParameters": {"q": "anna", "limit": "10"}},
        "notify": _rest(
            "GET",
            form,
            "/tenants/{tenant_id}/people/{person_id}/message-form",
            {"tenant_id": tenant, "person_id": person_id},
            operator,
        ),
        "notify_sender": {
            "Records": [
                {
                    "messageId": "m-1",
                    "receiptHandle": "r",
                    # a job as notify queues it (a message the log does not hold: the sender's clients are
                    # built and called once; a body NotifyJob refuses would skip them)
                    "body": json.dumps({"tenant_id": tenant, "message_id": "missing"}),
                    "attributes": {
                        "ApproximateReceiveCount": "1",
                        "SentTimestamp": "1700000000000",
                        "SenderId": "x",
                        "ApproximateFirstReceiveTimestamp": "1700000000000",
                    },
                    "messageAttributes": {},
                    "md5OfBody": "x",
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:eu-central-1:123456789012:notify",
                    "awsRegion": "eu-central-1",
                }
            ]
        },
        "rating": json.loads((ROOT / "tests/events/kinesis-ctr-event.json").read_text()),
        "self_service": _rest("GET", "/profile", "/profile", {}, admin),
        "provisioning": {"action": "release", "tenant_id": tenant, "phone_number": "+46852999999"},
        "transfer": transfer_event,
        "contact_stats": json.loads((ROOT / "tests/events/kinesis-ctr-event.json").read_text()),
        "inbound_sms": {"Records": [{**sns_record, "Sns": {"Type": "Notification", "Message": json.dumps(sms)}}]},
        "employee_status": sign_in_link,
        "calendar_sync": handshake,
    }


CHILD = """
import json, os, sys
if os.environ.get("BENCH_PROFILE"):
    import atexit, cProfile
    profile = cProfile.Profile()
    atexit.register(lambda: profile.dump_stats(os.environ["BENCH_PROFILE"]))
    profile.enable()
name = sys.argv[1]
if os.environ.get("BENCH_NO_BYTECODE"):  # as in Lambda today: the package's modules are compiled at import
    import importlib._bootstrap_external as external
    precompiled = tuple(json.loads(os.environ["BENCH_NO_BYTECODE"]))
    cached = external.cache_from_source
    def cache_from_source(path, *args, **kwargs):
        if not path.startswith(precompiled):
            raise NotImplementedError  # the loader then compiles the source and writes nothing
        return cached(path, *args, **kwargs)
    external.cache_from_source = cache_from_source
if name == "boto3":
    import boto3
else:
    import importlib
    event = json.loads(os.environ["BENCH_EVENT"])
    if os.environ.get("BENCH_FRESH_CONTACTS"):  # new ContactIds: a first write, not a redelivery
        import base64
        for record in event["Records"]:
            ctr = json.loads(base64.b64decode(record["kinesis"]["data"]))
            ctr["ContactId"] = os.urandom(16).hex()
            record["kinesis"]["data"] = base64.b64encode(json.dumps(ctr).encode()).decode()
    handler = importlib.import_module(f"functions.{name}.handler")
    class Context:
        function_name = name; memory_limit_in_mb = 1024; aws_request_id = "cold-start"
        invoked_function_arn = f"arn:aws:lambda:eu-central-1:123456789012:function:{name}"
        def get_remaining_time_in_millis(self): return 8000
    answer = handler.lambda_handler(event, Context())
    print("tracer created:", "aws_xray_sdk" in sys.modules, file=sys.stderr)
    if isinstance(answer, dict) and "statusCode" in answer:
        print("status:", answer["statusCode"], file=sys.stderr)
        print("body:", " ".join(str(answer.get("body")).split())[:500], file=sys.stderr)
"""


def run_child(name: str, env: dict[str, str], root: Path = ROOT) -> tuple[float, float, str]:
    """(CPU s, wall s, stderr) of a fresh interpreter running the child, from the checkout at `root`."""
    env = {**env, "PYTHONPATH": f"{root / 'layers'}{os.pathsep}{root}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, name], env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        again = subprocess.run([sys.executable, "-c", CHILD, name], env=env, cwd=root, capture_output=True, text=True)
        raise RuntimeError(f"{name} failed:\n{(again.stdout + again.stderr)[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.stderr.decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated function names")
    parser.add_argument("--traced", action="store_true", help="set an X-Ray trace header (a sampled invocation)")
    parser.add_argument("--profile", type=Path, help="also write DIR/<function>.prof (cProfile of one more cold start)")
    parser.add_argument("--sql-catalog", action="store_true", help="rating: a SQLite catalog per process, not Glue")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="its package compiled at import (built without bytecode)"
    )
    parser.add_argument("--against", type=Path, help="another checkout whose children alternate with this tree's")
    args = parser.parse_args()
    against: Path | None = args.against.resolve() if args.against else None
    if against is not None and not (against / "functions").is_dir():
        parser.error(f"--against {against}: no functions/ there")

    from telefonist_local.local_aws import FAKE_CREDENTIALS, create_resources, moto_server, patched_environment

    os.environ.update(FAKE_CREDENTIALS)
    load_before = os.getloadavg()
    with moto_server() as endpoint, tempfile.TemporaryDirectory(prefix="cold-start-models-") as models_dir:
        models = Path(models_dir)
        created = create_resources()
        with patched_environment(created.environment):
            tenant, person_id, person_number, dialed = _seed(created)
        base_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": f"{ROOT / 'layers'}{os.pathsep}{ROOT}",
            **FAKE_CREDENTIALS,
            **created.environment,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": "bench",
            "POWERTOOLS_SERVICE_NAME": "telefonist",
            # What CDK sets beyond the local resources (provisioning, transfer, the status page, calendar sync).
            "CONNECT_INSTANCE_ARN": "arn:aws:connect:eu-central-1:123456789012:instance/00000000-bench",
            "INBOUND_FLOW_ARN": "arn:aws:connect:eu-central-1:123456789012:instance/00000000-bench/contact-flow/in",
            "STATUS_PAGE_URL": "https://switchboard.example/status/",
            "CALENDAR_NOTIFICATION_URL": "https://api.example/prod/calendar/notifications",
        }
        if args.traced:
            base_env["_X_AMZN_TRACE_ID"] = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        every = events(tenant, person_id, person_number, dialed)
        names = [n for n in every if not args.only or n in args.only.split(",")]
        results: dict[str, dict[str, Any]] = {}
        for name in names:
            env = {**base_env, "BENCH_EVENT": json.dumps(every[name])}
            if args.no_bytecode:
                env["BENCH_NO_BYTECODE"] = json.dumps(_precompiled_in_lambda())
            if name in FRESH_CONTACTS:
                env["BENCH_FRESH_CONTACTS"] = "1"
            if name in GLUE_CATALOG_FUNCTIONS and not args.sql_catalog:
                env.update(_glue_billing_table(created.environment))
            own_env = {**env, **_package_environment(name, models)}  # DIR's children get `env`
            run_child(name, own_env)  # warm the file cache and .pyc files: not a cold-start cost in Lambda
            if against is not None:
                run_child(name, env, against)
            if args.profile:  # where the time goes (not counted: the profiler slows the child down)
                args.profile.mkdir(parents=True, exist_ok=True)
                run_child(name, {**own_env, "BENCH_PROFILE": str(args.profile / f"{name}.prof")})
            ratios, cpu, baseline, walls, tracer = [], [], [], [], ""
            other_ratios, other_cpu = [], []
            for round_ in range(args.pairs):
                base_cpu, _base_wall, _ = run_child("boto3", base_env)
                if against is not None and round_ % 2:  # DIR's child first in every other round
                    other_cpu.append(run_child(name, env, against)[0])
                fn_cpu, fn_wall, stderr = run_child(name, own_env)
                if against is not None and not round_ % 2:
                    other_cpu.append(run_child(name, env, against)[0])
                if against is not None:
                    other_ratios.append(other_cpu[-1] / base_cpu)
                ratios.append(fn_cpu / base_cpu)
                cpu.append(fn_cpu)
                baseline.append(base_cpu)
                walls.append(fn_wall)
                tracer = "created" if "tracer created: True" in stderr else "not created"
                status = next((line.split()[1] for line in stderr.splitlines() if line.startswith("status:")), "")
                if status and not status.startswith("2") and status != EXPECTED_STATUS.get(name):
                    # An error path is not the cold start we mean.
                    raise RuntimeError(f"{name}'s first invocation answered {status}:\n{stderr[-2000:]}")
            results[name] = {
                "ratio": round(statistics.median(ratios), 2),
                "ratio_min": round(min(ratios), 2),
                "ratio_max": round(max(ratios), 2),
                "cpu_s": round(statistics.median(cpu), 3),
                "boto3_cpu_s": round(statistics.median(baseline), 3),
                "wall_s": round(statistics.median(walls), 3),
                "tracer": tracer,
            }
            row = results[name]
            versus = ""
            if against is not None:
                row["against"] = {
                    "ratio": round(statistics.median(other_ratios), 2),
                    "cpu_s": round(statistics.median(other_cpu), 3),
                    "cpu_over_against": round(statistics.median(c / o for c, o in zip(cpu, other_cpu, strict=True)), 3),
                    "min_cpu_over_min": round(min(cpu) / min(other_cpu), 3),
                }
                versus = (
                    f"  against {row['against']['ratio']:.2f}x, CPU x{row['against']['cpu_over_against']:.3f} "
                    f"(min/min x{row['against']['min_cpu_over_min']:.3f})"
                )
            print(
                f"{name:17} {row['ratio']:5.2f}x (pairs {row['ratio_min']:.2f}-{row['ratio_max']:.2f})  "
                f"CPU {row['cpu_s']:.3f} s vs boto3 {row['boto3_cpu_s']:.3f} s  wall {row['wall_s']:.3f} s  "
                f"tracer {tracer}{versus}",
                flush=True,
            )
    load_after = os.getloadavg()
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} cores)")
    print(
        json.dumps(
            {
                "benchmark": "cold_start",
                "measure": "child process CPU (user+sys), import + first invocation, median of paired ratios",
                "pairs": args.pairs,
                "traced": args.traced,
                "bytecode": not args.no_bytecode,
                "against": str(against) if against is not None else None,
                "functions": results,
                "load_average": [round(load_before[0], 2), round(load_after[0], 2)],
                "cores": os.cpu_count(),
                "goal_ratio": GOAL_RATIO,
                "goal_met": all(r["ratio"] <= GOAL_RATIO for r in results.values()),
            }
        )
    )


def _package_environment(function: str, directory: Path) -> dict[str, str]:
    """What the function's package adds to its environment, as in Lambda: the trimmed service
    models it carries (infra/botocore_models.py), written under `directory`, in AWS_DATA_PATH."""
    from infra import botocore_models
    from infra.bundling import function_imports

    models = botocore_models.models_for(function_imports(function).modules)
    if not models:
        return {}
    botocore_models.write(models, directory / function)
    return {"AWS_DATA_PATH": str(directory / function)}


def _precompiled_in_lambda() -> list[str]:
    """Where Lambda's python3.11 runtime has `.pyc` files: the standard library and boto3 with its dependencies."""
    import sysconfig

    site = Path(sysconfig.get_paths()["purelib"])
    stdlib = Path(sysconfig.get_paths()["stdlib"])  # the base interpreter's, not the virtual environment's
    # infra.bundling.RUNTIME_PROVIDED, by import name (importing infra would load CDK)
    runtime = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")
    return [f"{stdlib}{os.sep}", *(f"{site / name}{os.sep}" for name in runtime), str(site / "six.py")]


def _glue_billing_table(environment: dict[str, str]) -> dict[str, str]:
    """The billing table created in moto's Glue (as CDK creates it in AWS); the child's variables."""
    from telefonist import config
    from telefonist.dal.billing_table import ENV_BILLING_CATALOG_URI, GLUE_CATALOG, BillingTable, BillingTableSettings

    from telefonist_local.local_aws import patched_environment

    variables = {ENV_BILLING_CATALOG_URI: GLUE_CATALOG}
    with patched_environment(environment):
        bucket = environment[config.ENV_BILLING_BUCKET]
        settings = BillingTableSettings.from_environ({**os.environ, **variables}, bucket)
        BillingTable(settings, create=True).table  # noqa: B018  (creates it)
    return variables


def _seed(created: Any) -> tuple[str, str, str, str]:
    """The demo customer: its id, a person with a number, that number, the switchboard's (routed) number."""
    import boto3
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.secrets import KmsSecretCodec
    from telefonist.resources import CUSTOMER_TABLE

    from telefonist_local.sample_data import DEMO_SWITCHBOARD_NUMBER
    from telefonist_local.seeding import seed_demo_tenant

    repo = CustomerRepository(
        boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name),
        secrets=KmsSecretCodec(boto3.client("kms"), created.secrets_key_id),
    )
    seeded = seed_demo_tenant(repo, people=50)
    tenant = getattr(seeded, "tenant_id", TENANT)
    person = next(p for p in repo.load_directory(tenant).people if p.phones)
    return tenant, person.person_id, person.phones[0].number, DEMO_SWITCHBOARD_NUMBER


if __name__ == "__main__":
    main()
