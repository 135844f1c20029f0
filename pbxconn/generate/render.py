"""The one Jinja environment: sandboxed, StrictUndefined, template errors located in the template."""

from __future__ import annotations

import json
import traceback
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from pbxconn.core.errors import InputError
from pbxconn.generate import doctables
from pbxconn.generate.freeze import thaw

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SLOT_TAG = "!pbxdata"


@jinja2.pass_context
def _data_filter(context, value: Any) -> str:
    """Put `value` in the render's slot list and leave a YAML tag that the parser swaps back.

    Large schemas thus go from the model to the output as data, without being printed as
    text and parsed again, and without any JSON text being assembled in the template."""
    slots = context["data_slots"]
    slots.append(thaw(value))
    return f"{SLOT_TAG} {len(slots) - 1}"


def _slot_loader(slots: list[Any]):
    class SlotLoader(_BaseLoader):  # type: ignore[misc, valid-type]
        pass

    SlotLoader.add_constructor(SLOT_TAG, lambda loader, node: slots[int(loader.construct_scalar(node))])
    return SlotLoader


class OverridingLoader(jinja2.FileSystemLoader):
    """The shared templates, with some names answered by a family's own file instead."""

    def __init__(self, templates: Path, overrides: dict[str, str] | None = None) -> None:
        super().__init__(str(templates))
        self.overrides = dict(overrides or {})

    def get_source(self, environment, template):
        """Load `template`, or the family's override of it."""
        return super().get_source(environment, self.overrides.get(template, template))


class _SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory, so families sharing a template compile it once per process."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill the bucket when this template source was compiled before."""
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep a freshly compiled template."""
        self.store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _SharedBytecode()


def make_environment(templates: Path, overrides: dict[str, str] | None = None) -> SandboxedEnvironment:
    """A sandboxed environment over `templates/` that fails on any undefined name."""
    env = SandboxedEnvironment(
        bytecode_cache=_BYTECODE,
        loader=OverridingLoader(templates, overrides),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    env.filters["anchor"] = doctables.anchor
    env.filters["data"] = _data_filter
    return env


def canonical_json(data: Any) -> bytes:
    """Microsoft's connector style: 4-space indent, UTF-8 without BOM, newline at the end."""
    return (json.dumps(data, indent=4, ensure_ascii=False) + "\n").encode("utf-8")


def _readable(message: str) -> str:
    """Jinja's message in the model's terms: templates see frozen mappings, not 'mappingproxy objects'."""
    return message.replace("'mappingproxy object' has no attribute", "the model has no value named")


def _shown(templates: Path, filename: str) -> str:
    """templates/<relative path> of a template file (or of a template name)."""
    path = Path(filename)
    try:
        return f"templates/{path.resolve().relative_to(templates.resolve()).as_posix()}"
    except ValueError:
        return f"templates/{filename}"


def _template_location(exc: BaseException, templates: Path, name: str) -> str:
    """templates/<file>:<line> of the innermost template frame of a rendering error."""
    lineno = getattr(exc, "lineno", None)
    filename = getattr(exc, "filename", None) or getattr(exc, "name", None)
    if lineno and filename:
        return f"{_shown(templates, filename)}:{lineno}"
    root = templates.resolve()
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename and root in Path(frame.filename).resolve().parents:
            return f"{_shown(templates, frame.filename)}:{frame.lineno}"
    return f"templates/{name}"


class Renderer:
    """Renders the package templates for one model; JSON templates go through YAML back to data."""

    def __init__(self, templates: Path, overrides: dict[str, str] | None = None) -> None:
        self.templates = templates
        self.env = make_environment(templates, overrides)

    def text(self, name: str, context: dict[str, Any]) -> str:
        """Render a text template; errors name the template file and line."""
        try:
            out = self.env.get_template(name).render(**context)
        except jinja2.TemplateNotFound as exc:
            raise InputError(f"template {exc.name} does not exist", location=f"templates/{name}") from None
        except jinja2.TemplateError as exc:
            raise InputError(f"template error: {_readable(exc.message or '')}",
                             location=_template_location(exc, self.templates, name)) from None
        except Exception as exc:  # a filter or macro failed on the data
            raise InputError(f"template error: {exc}", location=_template_location(exc, self.templates, name)) from None
        return out.rstrip("\n") + "\n"  # exactly one newline at the end, whatever the template

    def data(self, name: str, context: dict[str, Any]) -> Any:
        """Render a structured template (YAML layout whose values go through the `data` filter) and
        parse it back into data."""
        slots: list[Any] = []
        text = self.text(name, {**context, "data_slots": slots})
        try:
            return yaml.load(text, Loader=_slot_loader(slots))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f"(rendered line {mark.line + 1})" if mark else ""
            raise InputError(f"template renders invalid YAML {where}: {exc.problem}",
                             location=f"templates/{name}") from None


def template_context(model) -> dict[str, Any]:
    """The names every template sees: the frozen model, and its parts under short names."""
    return {
        "model": model,
        "carrier": model.carrier,
        "family": model.family,
        "data_slots": [],
        "actions": [op for op in model.operations if op.kind == "action"],
        "triggers": [op for op in model.operations if op.kind != "action"],
        "parameter_rows": doctables.parameter_rows,
        "return_rows": partial(doctables.return_rows, definitions=model.definitions),
    }
