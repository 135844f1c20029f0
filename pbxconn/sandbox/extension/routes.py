"""Match a request's method and path (relative to /api/ver1.0) to one endpoint of the service."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from pbxconn.sandbox.extension.declare import Endpoint
from pbxconn.sandbox.extension.errors import ApiError

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _pattern(path: str) -> re.Pattern[str]:
    parts = []
    last = 0
    for match in _PARAM.finditer(path):
        parts.append(re.escape(path[last:match.start()]))
        parts.append(f"(?P<{match.group(1)}>[^/]+)")
        last = match.end()
    parts.append(re.escape(path[last:]))
    return re.compile("".join(parts))


@dataclass(frozen=True)
class Route:
    """One path template with the endpoints of each method on it."""

    template: str
    pattern: re.Pattern[str]
    methods: dict[str, Endpoint]


class Router:
    """Endpoints by path; literal segments win over parameters (…/record/stats/ before …/record/{uuid})."""

    def __init__(self, endpoints: Iterable[Endpoint]) -> None:
        by_path: dict[str, dict[str, Endpoint]] = {}
        for endpoint in endpoints:
            by_path.setdefault(endpoint.path, {})[endpoint.method.upper()] = endpoint
        routes = [Route(path, _pattern(path), methods) for path, methods in by_path.items()]
        # fewer parameters first, so a literal segment is preferred to a parameter in the same place
        self.routes = sorted(routes, key=lambda r: (r.template.count("{"), -len(r.template)))

    def match(self, method: str, path: str) -> tuple[Endpoint, dict[str, str]]:
        """The endpoint and raw path values; 404 for an unknown path, 405 for a wrong method."""
        for route in self.routes:
            found = route.pattern.fullmatch(path)
            if found is None:
                continue
            endpoint = route.methods.get(method.upper())
            if endpoint is None:
                allow = ", ".join(sorted(route.methods))
                raise ApiError(405, "method_not_allowed", f"{method} is not allowed here; use {allow}",
                               headers={"Allow": allow})
            return endpoint, found.groupdict()
        raise ApiError(404, "not_found", f"no resource at {path}")
