"""Which behaviour checks `csx test` runs on a connector: the `generic` or the `pbxconn` profile.

`pbxconn` (our carriers' contract, plus the generic checks) applies to a package that pbxconn
renders: `connectors/<id>/` inside a pbxconn project that has `carriers/<id>.yaml`. Any other
connector gets `generic`. An explicit choice overrides.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pbxconn.core.project import find_root
from pbxconn.csx.behaviour import PBXCONN_CHECKS
from pbxconn.csx.generic import GENERIC_CHECKS

PROFILES = ("generic", "pbxconn")
CHOICES = ("auto", *PROFILES)


@dataclass(frozen=True, slots=True)
class Profile:
    """A profile, the checks it consists of, and why it was chosen."""

    name: str
    reason: str

    @property
    def checks(self) -> tuple[str, ...]:
        """The names of the profile's checks, in the order they are reported."""
        return GENERIC_CHECKS + (PBXCONN_CHECKS if self.name == "pbxconn" else ())


def carrier_file(directory: Path) -> Path | None:
    """`carriers/<id>.yaml` of the pbxconn project when `directory` is its `connectors/<id>/`, else None."""
    folder = Path(directory).resolve()
    root = find_root(folder).resolve()
    candidate = root / "carriers" / f"{folder.name}.yaml"
    if folder.parent == root / "connectors" and candidate.is_file():
        return candidate
    return None


def choose_profile(directory: Path, requested: str = "auto") -> Profile:
    """The profile for the connector in `directory`: `requested`, or chosen from where it lives."""
    if requested not in CHOICES:
        raise ValueError(f"unknown check profile {requested!r}; choose one of {', '.join(CHOICES)}")
    if requested != "auto":
        return Profile(requested, "--checks " + requested)
    carrier = carrier_file(directory)
    if carrier is not None:
        return Profile("pbxconn", f"auto: a pbxconn package ({carrier.parent.name}/{carrier.name})")
    return Profile("generic", "auto: not a pbxconn package (no connectors/<id>/ with carriers/<id>.yaml)")
