"""Registry-wide rule fixtures: every rule fires on its bad package and stays quiet on its
near miss (tests/validate/rule_fixtures/README.md describes the format)."""

from __future__ import annotations

import base64
import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from pbxconn.core.pointer import from_pointer
from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package
from pbxconn.validate.registry import load_rules

HERE = Path(__file__).parent / "rule_fixtures"
BASES = HERE / "bases"
SWAGGER = "apiDefinition.swagger.json"
JSON_FILES = (SWAGGER, "apiProperties.json", "settings.json")
EDITS = ("remove", "set", "merge", "append", "files", "replace", "pad_to")
ENTRY_KEYS = {"base", "certification", "requires", "bad", "near_miss"}
VARIANT_KEYS = set(EDITS) | {"why", "expect"}


def _load_fixtures() -> dict[str, tuple[str, dict]]:
    """code -> (fixture file name, entry), over every fixture file."""
    out: dict[str, tuple[str, dict]] = {}
    for path in sorted(HERE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        assert isinstance(data, dict), f"{path.name}: expected a mapping of rule codes"
        for code, entry in data.items():
            assert code not in out, f"{code} has fixtures in both {out[code][0]} and {path.name}"
            out[code] = (path.name, entry)
    return out


FIXTURES = _load_fixtures()


def _base_files(name: str) -> dict[str, Any]:
    """A base package: parsed JSON files, other files as bytes."""
    folder = BASES / name
    assert folder.is_dir(), f"unknown base {name!r} (have: {sorted(p.name for p in BASES.iterdir())})"
    files: dict[str, Any] = {}
    for path in sorted(folder.iterdir()):
        files[path.name] = json.loads(path.read_text("utf-8")) if path.name in JSON_FILES else path.read_bytes()
    return files


def _target(files: dict[str, Any], where: str) -> tuple[dict | list, str, tuple]:
    """(document, file name, path) that a fixture pointer names."""
    name, _, pointer = where.rpartition("#") if "#" in where else ("", "", where)
    name = name or SWAGGER
    assert name in JSON_FILES, f"pointer {where!r}: {name} is not a JSON file of a package"
    if name not in files:
        files[name] = {}
    path = tuple(int(p) if p.isdigit() else p for p in from_pointer(pointer))
    return files[name], name, path


def _parent(doc: Any, path: tuple, create: bool) -> Any:
    """The container holding path[-1] (objects created on the way when `create`)."""
    node = doc
    for step in path[:-1]:
        if isinstance(node, list):
            node = node[step]
        else:
            step = str(step)
            if step not in node and create:
                node[step] = {}
            node = node[step]
    return node


def _key(container: Any, step: Any) -> Any:
    return step if isinstance(container, list) else str(step)


def _png(width: int, height: int, color: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def _apply(files: dict[str, Any], variant: dict) -> dict[str, bytes]:
    """The package files after the variant's edits, as bytes."""
    for where in variant.get("remove") or ():
        doc, _, path = _target(files, where)
        parent = _parent(doc, path, create=False)
        del parent[_key(parent, path[-1])]
    for where, value in (variant.get("set") or {}).items():
        doc, name, path = _target(files, where)
        if not path:
            files[name] = copy.deepcopy(value)
            continue
        parent = _parent(doc, path, create=True)
        if isinstance(parent, list) and path[-1] == len(parent):  # one past the end appends
            parent.append(copy.deepcopy(value))
        else:
            parent[_key(parent, path[-1])] = copy.deepcopy(value)
    for where, value in (variant.get("merge") or {}).items():
        doc, _, path = _target(files, where)
        node = doc
        for step in path:
            node = node[_key(node, step)]
        node.update(copy.deepcopy(value))
    for where, value in (variant.get("append") or {}).items():
        doc, _, path = _target(files, where)
        parent = _parent(doc, path, create=True)
        parent.setdefault(_key(parent, path[-1]), []).append(copy.deepcopy(value))
    raw: dict[str, bytes] = {}
    for name, value in files.items():
        raw[name] = (json.dumps(value, indent=2) + "\n").encode() if name in JSON_FILES else value
    for name, content in (variant.get("files") or {}).items():
        if content is None:
            raw.pop(name, None)
        elif isinstance(content, str):
            raw[name] = content.encode("utf-8")
        elif "base64" in content:
            raw[name] = base64.b64decode(content["base64"])
        elif "pad_to" in content:  # text followed by spaces up to an exact size in bytes
            data = content["text"].encode("utf-8")
            raw[name] = data + b" " * (content["pad_to"] - len(data))
        else:
            raw[name] = _png(*content["png"])
    for name, pairs in (variant.get("replace") or {}).items():
        text = raw[name].decode("utf-8")
        for old, new in pairs:
            assert old in text, f"replace: {old!r} is not in {name}"
            text = text.replace(old, new, 1)
        raw[name] = text.encode("utf-8")
    for name, size in (variant.get("pad_to") or {}).items():  # trailing spaces: still the same JSON
        assert size >= len(raw[name]), f"pad_to: {name} is already {len(raw[name])} bytes"
        raw[name] += b" " * (size - len(raw[name]))
    return raw


def _skip_without_tools(entry: dict) -> None:
    """Skip an entry whose rule needs a tool this machine lacks (`requires: [mcs]`)."""
    for tool in entry.get("requires") or ():
        assert tool == "mcs", f"unknown tool {tool!r} in requires"
        from pbxconn.validate.rules.custom_code import find_mcs

        if find_mcs() is None:
            pytest.skip("needs Mono's mcs (apt-get install mono-mcs), which .ci/run installs")


def _findings(code: str, entry: dict, variant_name: str) -> list:
    """Findings of `code` on one variant of its fixture."""
    variant = entry[variant_name]
    files = _apply(_base_files(entry.get("base", "sample")), variant)
    pkg = Package.from_files(files, f"/nonexistent/{entry.get('base', 'sample')}")
    config = Config(select=(code,), certification=entry.get("certification", True))
    return [f for f in validate_package(pkg, config) if f.code == code]


def test_every_rule_has_a_fixture_and_every_fixture_a_rule():
    rules = set(load_rules())
    missing = sorted(rules - set(FIXTURES))
    stale = sorted(set(FIXTURES) - rules)
    assert missing == [], f"rules without fixtures in {HERE}: {missing}"
    assert stale == [], f"fixtures of codes no rule has: {stale}"


@pytest.mark.parametrize("base", sorted(p.name for p in BASES.iterdir() if p.is_dir()))
def test_bases_are_clean(base):
    pkg = Package.from_files(_apply(_base_files(base), {}), f"/nonexistent/{base}")
    found = [(f.code, f.pointer, f.message) for f in validate_package(pkg, Config())]
    assert found == []


@pytest.mark.parametrize("code", sorted(FIXTURES))
def test_fixture_entries_are_well_formed(code):
    source, entry = FIXTURES[code]
    assert isinstance(entry, dict) and set(entry) <= ENTRY_KEYS, f"{source}: {code}: keys must be {ENTRY_KEYS}"
    for name in ("bad", "near_miss"):
        variant = entry.get(name)
        assert isinstance(variant, dict), f"{source}: {code} has no {name}"
        assert set(variant) <= VARIANT_KEYS, f"{source}: {code}.{name}: unknown keys {set(variant) - VARIANT_KEYS}"
        assert any(variant.get(edit) for edit in EDITS), f"{source}: {code}.{name} changes nothing"
        assert str(variant.get("why", "")).strip(), f"{source}: {code}.{name} says no `why`"


@pytest.mark.parametrize("code", sorted(FIXTURES))
def test_bad_fires_and_near_miss_does_not(code):
    source, entry = FIXTURES[code]
    _skip_without_tools(entry)
    bad = _findings(code, entry, "bad")
    assert bad, f"{source}: {code} did not fire on its bad fixture ({entry['bad'].get('why')})"
    for finding in bad:  # one line of message each, and a position wherever there is a pointer
        assert finding.message and "\n" not in finding.message, f"{code}: {finding.message!r}"
        assert finding.line >= 1 or not finding.pointer, f"{code}: no line for {finding.pointer}"
    expect = entry["bad"].get("expect")
    if expect is not None:
        assert expect in [f.pointer for f in bad], f"{code}: no finding at {expect}: {[f.pointer for f in bad]}"
    near = _findings(code, entry, "near_miss")
    assert near == [], f"{source}: {code} fired on its near miss ({entry['near_miss'].get('why')})"
