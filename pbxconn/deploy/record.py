"""Keep the deployment facts in the carrier's YAML: `paconn: {connector_id, environment}`.

The carrier file is hand-written (comments, key order, quoting), so it is edited as text:
only the `paconn:` block changes, everything else stays byte for byte. The result is parsed
again and must equal the old data plus the new values, otherwise nothing is written.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Mapping

import yaml

from pbxconn.core.atomic import write_file
from pbxconn.core.errors import InputError
from pbxconn.generate.yamlsource import YamlSource

BLOCK = "paconn"
KEYS = ("connector_id", "environment")
_TOP_KEY = re.compile(r"^paconn[ \t]*:(?P<rest>.*?)(?P<nl>\r?\n)?$")
_PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def read_carrier(path: Path) -> dict[str, Any]:
    """The carrier YAML as data (a mapping)."""
    if not Path(path).is_file():
        raise InputError("carrier file not found", location=str(path))
    data = YamlSource.load(Path(path)).data
    if not isinstance(data, dict):
        raise InputError("a carrier file must be a YAML mapping", location=str(path))
    return data


def paconn_block(path: Path) -> dict[str, str]:
    """The `paconn:` mapping of a carrier YAML ({} when absent), checked."""
    block = read_carrier(path).get(BLOCK)
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise InputError(f"{BLOCK} must be a mapping with {', '.join(KEYS)}", location=str(path))
    for key, value in block.items():
        if key not in KEYS:
            raise InputError(f"{BLOCK}.{key}: unknown key; expected {', '.join(KEYS)}", location=str(path))
        if not isinstance(value, str) or not value:
            raise InputError(f"{BLOCK}.{key} must be a non-empty string", location=str(path))
    return dict(block)


def scalar(value: str) -> str:
    """A YAML scalar for `value`: plain when it reads back as the same string, else quoted."""
    if _PLAIN.match(value):
        try:
            if yaml.safe_load(value) == value:
                return value
        except yaml.YAMLError:
            pass
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def set_paconn_values(text: str, values: Mapping[str, str]) -> str:
    """Return `text` with `paconn.<key>: <value>` set for each item, the rest unchanged."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    start = next((i for i, line in enumerate(lines) if _TOP_KEY.match(line)), None)
    if start is None:
        prefix = text if not text or text.endswith(("\n", "\r")) else text + newline
        block = [f"{BLOCK}:{newline}"] + [f"  {k}: {scalar(v)}{newline}" for k, v in values.items()]
        return prefix + "".join(block)

    match = _TOP_KEY.match(lines[start])
    rest, comment = _split_comment(match.group("rest"))
    eol = match.group("nl") or newline
    if rest.strip() not in ("", "~", "null"):
        flow = yaml.safe_load(rest)
        if not isinstance(flow, dict):
            raise InputError(f"{BLOCK}: is not a mapping")
        merged = {**flow, **values}
        header = f"{BLOCK}:{(' ' + comment) if comment else ''}{eol}"
        block = [f"  {k}: {scalar(str(v))}{newline}" for k, v in merged.items()]
        return "".join(lines[:start] + [header] + block + lines[start + 1:])
    if rest.strip():  # `paconn: ~` / `paconn: null`
        lines[start] = f"{BLOCK}:{(' ' + comment) if comment else ''}{eol}"

    end = start + 1
    last_content = start
    indent = None
    while end < len(lines):
        stripped = lines[end].strip()
        if stripped and not stripped.startswith("#"):
            width = len(lines[end]) - len(lines[end].lstrip(" "))
            if width == 0:
                break
            indent = width if indent is None else indent
            last_content = end
        end += 1
    pad = " " * (indent or 2)
    for key, value in values.items():
        pattern = re.compile(rf"^{pad}{re.escape(key)}[ \t]*:(?P<rest>.*?)(?P<nl>\r?\n)?$")
        for i in range(start + 1, last_content + 1):
            found = pattern.match(lines[i])
            if found:
                _, old_comment = _split_comment(found.group("rest"))
                tail = f" {old_comment}" if old_comment else ""
                lines[i] = f"{pad}{key}: {scalar(value)}{tail}{found.group('nl') or newline}"
                break
        else:
            if not lines[last_content].endswith(("\n", "\r")):
                lines[last_content] += newline
            last_content += 1
            lines.insert(last_content, f"{pad}{key}: {scalar(value)}{newline}")
    return "".join(lines)


def _split_comment(rest: str) -> tuple[str, str]:
    """('  value  # note') -> ('  value', '# note'); naive about '#' inside quotes."""
    match = re.search(r"(^|\s)#", rest)
    if not match:
        return rest, ""
    return rest[: match.start()], rest[match.start():].strip()


def record(path: Path, values: Mapping[str, str]) -> bool:
    """Write `values` under `paconn:` in the carrier YAML, atomically; False when already there."""
    path = Path(path)
    before = read_carrier(path)
    block = before.get(BLOCK) or {}
    values = {k: v for k, v in values.items() if block.get(k) != v}
    if not values:
        return False
    text = path.read_bytes().decode("utf-8")
    updated = set_paconn_values(text, values)
    expected = {**before, BLOCK: {**block, **values}}
    try:
        after = yaml.safe_load(updated)
    except yaml.YAMLError:
        after = None
    if after != expected:
        keys = ", ".join(f"{k}: {v}" for k, v in values.items())
        raise InputError(f"cannot update the paconn block safely; add by hand under `paconn:`: {keys}",
                         location=str(path))
    mode = path.stat().st_mode & 0o7777
    write_file(path, updated.encode("utf-8"))
    os.chmod(path, mode)  # the temp file behind the atomic write is created 0600
    return True
