"""Rule modules; importing this package imports each of them so their rules register.

A module that fails to import does not stop the validator: its error is kept in
`LOAD_ERRORS` and the engine reports it as an InternalRuleError warning.
"""

from __future__ import annotations

import importlib
import pkgutil

LOAD_ERRORS: dict[str, str] = {}
_LOADED = False


def load_all() -> None:
    """Import every module of this package once (each registers its rules with `@register`)."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        try:
            importlib.import_module(f"{__name__}.{info.name}")
        except Exception as exc:  # a broken rule module must not take the others down
            LOAD_ERRORS[info.name] = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"


load_all()
