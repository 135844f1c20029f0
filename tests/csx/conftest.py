"""Fixtures for custom code: the rendered script, a tele2 package with it, Mono availability."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

import jinja2
import pytest

REPO = Path(__file__).resolve().parents[2]
MONO_REASON = ("needs Mono (mcs, mono): apt-get install mono-mcs mono-runtime "
               "libmono-system-net-http4.0-cil libnewtonsoft-json5.0-cil")


def render_script(webhook_operations: list[str], **overrides: object) -> str:
    """templates/script.csx.j2 rendered the way the generator renders it."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(REPO / "templates")),
                             undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    values = {"webhook_operations": sorted(webhook_operations), "delete_operation_id": "DeleteWebhookByID",
              "delete_path_template": "/webhooks/{webhook_id}", "webhook_path_prefix": "/webhooks/",
              "carrier": {"id": "tele2", "title": "Mobili Stotele"}}
    values.update(overrides)
    return env.get_template("script.csx.j2").render(**values)


def webhook_operations(swagger: dict) -> list[str]:
    """Sorted operationIds of the x-ms-trigger: single operations."""
    return sorted(op["operationId"] for item in swagger["paths"].values() for op in item.values()
                  if isinstance(op, dict) and op.get("x-ms-trigger") == "single")


@pytest.fixture(scope="session")
def mono() -> None:
    """Skip unless Mono's compiler and runtime are installed."""
    if not (shutil.which("mcs") and shutil.which("mono")):
        pytest.skip(MONO_REASON)


@pytest.fixture
def make_package(tmp_path: Path, shared: Path) -> Callable[..., Path]:
    """Build a package from the published tele2 connector plus our script and scriptOperations."""

    def make(script: str | None = None, script_operations: list[str] | None | bool = True,
             carrier: str = "tele2") -> Path:
        swagger = json.loads((shared / "upstream" / carrier / "apiDefinition.swagger.json").read_text("utf-8"))
        props = json.loads((shared / "upstream" / carrier / "apiProperties.json").read_text("utf-8"))
        hooks = webhook_operations(swagger)
        if script_operations is True:
            props["properties"]["scriptOperations"] = hooks
        elif script_operations is not False and script_operations is not None:
            props["properties"]["scriptOperations"] = script_operations
        out = tmp_path / carrier
        out.mkdir(exist_ok=True)
        (out / "apiDefinition.swagger.json").write_text(json.dumps(swagger, indent=4) + "\n", "utf-8")
        (out / "apiProperties.json").write_text(json.dumps(props, indent=4) + "\n", "utf-8")
        (out / "script.csx").write_text(script if script is not None else render_script(hooks), "utf-8")
        return out

    return make
