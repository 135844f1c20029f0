"""What deploy tests share: constants, and the throwaway project a deploy runs from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CARRIERS = ("tele2", "lmt")
ENVIRONMENT = "0f6c2c1e-3b7a-4d2e-9a51-6c1d2e3f4a5b"
TOKEN = {"token_type": "Bearer", "access_token": "emulated-token", "expires_on": 4102444800,
         "oid": "11111111-2222-3333-4444-555555555555"}


@dataclass
class Project:
    """A copy of the project root with one carrier's rendered package and YAML, safe to deploy from."""

    root: Path
    carrier: str

    @property
    def package(self) -> Path:
        """connectors/<carrier>/."""
        return self.root / "connectors" / self.carrier

    @property
    def carrier_file(self) -> Path:
        """carriers/<carrier>.yaml."""
        return self.root / "carriers" / f"{self.carrier}.yaml"

    def json(self, name: str):
        """A package file parsed as JSON."""
        return json.loads((self.package / name).read_text(encoding="utf-8"))
