"""cfn-lint on the session's synthesized template (part of `make test` through `make unit`).

No error at all; the warnings are exactly those `.cfnlintrc.yaml` lists with their reasons, so a
new warning fails here until it is fixed or listed, and a listed one that went away fails too.
"""

from __future__ import annotations

import json

import yaml
from aws_cdk.assertions import Template
from cfnlint.api import ManualArgs, lint

from infra.bundling import ROOT

CONFIG = ROOT / ".cfnlintrc.yaml"


def test_the_template_has_no_cfn_lint_error_and_only_the_listed_warnings(template: Template) -> None:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    listed = set(config["ignore_checks"])
    # mandatory_checks: every E and W rule, whatever the file's ignore_checks (which `make cfn-lint` applies).
    matches = lint(
        json.dumps(template.to_json()), config=ManualArgs(regions=config["regions"], mandatory_checks=["E", "W"])
    )
    found = {(m.rule.id, "/".join(map(str, m.path))) for m in matches}
    errors = sorted(f"{rule} at {path}" for rule, path in found if rule.startswith("E"))
    assert not errors, errors
    unlisted = sorted(f"{rule} at {path}" for rule, path in found if rule not in listed)
    assert not unlisted, f"fix these or list them with a reason in {CONFIG.name}: {unlisted}"
    assert listed == {rule for rule, _path in found}, f"{CONFIG.name} lists warnings that no longer occur"
