"""YAML files loaded fast, with file:line:column for any key path when something is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import yaml

from pbxconn.core.errors import InputError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlSource:
    """One parsed YAML file; node positions are computed only when an error needs them."""

    path: Path
    text: str
    data: Any
    _root: Any = field(default=None, repr=False)

    @classmethod
    def load(cls, path: Path, display: str | None = None) -> "YamlSource":
        """Read and parse `path`; a syntax error becomes an InputError at its line and column."""
        shown = display or str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror}", location=shown) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError("file is not valid UTF-8", location=f"{shown}:{line}") from None
        try:
            data = yaml.load(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark else shown
            problem = exc.problem or exc.context or "invalid YAML"
            raise InputError(f"YAML syntax error: {problem}", location=where) from None
        except yaml.YAMLError as exc:
            raise InputError(f"YAML error: {exc}", location=shown) from None
        src = cls(Path(shown), text, data)
        return src

    def position(self, keypath: Sequence[str | int]) -> tuple[int, int]:
        """1-based (line, column) of the node at `keypath`, or of its closest existing parent."""
        if self._root is None:
            self._root = yaml.compose(self.text, Loader=_Loader)
        node = self._root
        best = node.start_mark if node is not None else None
        for part in keypath:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == str(part):
                        node = value
                        best = key.start_mark
                        break
                else:
                    break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                best = node.start_mark
            else:
                break
        if best is None:
            return (1, 1)
        return (best.line + 1, best.column + 1)

    def where(self, keypath: Sequence[str | int]) -> str:
        """`file:line:column` of `keypath`."""
        line, col = self.position(keypath)
        return f"{self.path}:{line}:{col}"

    def error(self, keypath: Sequence[str | int], message: str, hint: str = "") -> InputError:
        """An InputError located at `keypath`, naming the key path in the message."""
        dotted = ".".join(str(p) for p in keypath) or "(top level)"
        return InputError(f"{dotted}: {message}", location=self.where(keypath), hint=hint)
