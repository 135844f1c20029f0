"""Fixtures for custom code: the rendered script, a tele2 package with it, Mono availability."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

import pytest

REPO = Path(__file__).resolve().parents[2]
MONO_REASON = ("needs Mono (mcs, mono): apt-get install mono-mcs mono-runtime "
               "libmono-system-net-http4.0-cil libnewtonsoft-json5.0-cil")


def render_script(webhook_operations: list[str], **overrides: object) -> str:
    """templates/script.csx.j2 rendered by the generator's renderer for the carriers' webhook shape;
    `overrides` replace fields of the model's `webhooks` (e.g. delete_after)."""
    from types import SimpleNamespace

    from pbxconn.generate.freeze import freeze
    from pbxconn.generate.model import Webhooks
    from pbxconn.generate.render import Renderer

    values = {"operations": sorted(webhook_operations), "delete_operation_id": "DeleteWebhookByID",
              "delete_path": "/webhooks/{webhook_id}", "path_marker": "/webhooks/", "delete_after": "",
              "id_key": "data"}
    values.update(overrides)
    model = SimpleNamespace(webhooks=freeze(Webhooks(**values)))
    carrier = freeze({"id": "tele2", "title": "Mobili Stotele"})
    return Renderer(REPO / "templates").text("script.csx.j2", {"model": model, "carrier": carrier})


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
    """Build a package from the published tele2 connector plus our script and scriptOperations, as
    connectors/<carrier>/ of a pbxconn project (carriers/<carrier>.yaml), so `csx test` picks the
    pbxconn checks; with `project=False` it is a lone folder (generic checks)."""

    def make(script: str | None = None, script_operations: list[str] | None | bool = True,
             carrier: str = "tele2", project: bool = True) -> Path:
        swagger = json.loads((shared / "upstream" / carrier / "apiDefinition.swagger.json").read_text("utf-8"))
        props = json.loads((shared / "upstream" / carrier / "apiProperties.json").read_text("utf-8"))
        hooks = webhook_operations(swagger)
        if script_operations is True:
            props["properties"]["scriptOperations"] = hooks
        elif script_operations is not False and script_operations is not None:
            props["properties"]["scriptOperations"] = script_operations
        out = tmp_path / "connectors" / carrier if project else tmp_path / carrier
        out.mkdir(parents=True, exist_ok=True)
        if project:
            (tmp_path / "carriers").mkdir(exist_ok=True)
            (tmp_path / "carriers" / f"{carrier}.yaml").write_text(f"id: {carrier}\n", "utf-8")
        (out / "apiDefinition.swagger.json").write_text(json.dumps(swagger, indent=4) + "\n", "utf-8")
        (out / "apiProperties.json").write_text(json.dumps(props, indent=4) + "\n", "utf-8")
        (out / "script.csx").write_text(script if script is not None else render_script(hooks), "utf-8")
        return out

    return make
