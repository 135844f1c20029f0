"""What deploy tests share: constants, and the throwaway project a deploy runs from."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

CARRIERS = ("tele2", "lmt")
ENVIRONMENT = "0f6c2c1e-3b7a-4d2e-9a51-6c1d2e3f4a5b"
TOKEN = {"token_type": "Bearer", "access_token": "emulated-token", "expires_on": 4102444800,
         "oid": "11111111-2222-3333-4444-555555555555"}
SCRIPT = """public class Script : ScriptBase
{
    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        return await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
    }
}
"""


@dataclass
class Project:
    """A project root with one carrier's package and YAML, safe to deploy from."""

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


def has_rendered_package(repo: Path, carrier: str) -> bool:
    """Whether the repository has a rendered package for the carrier (from `pbxconn build`)."""
    return (repo / "connectors" / carrier / "settings.json").is_file() and \
        (repo / "carriers" / f"{carrier}.yaml").is_file()


def build_from_upstream(shared: Path, repo: Path, root: Path, carrier: str) -> None:
    """A stand-in package from the published files plus an icon and a script, used until the
    repository holds rendered packages. Validator errors of the published files (for example a
    token in their Readme) are ignored through a pyproject.toml in the temporary root."""
    from PIL import Image

    package = root / "connectors" / carrier
    package.mkdir(parents=True)
    for name in ("apiDefinition.swagger.json", "apiProperties.json"):
        shutil.copyfile(shared / "upstream" / carrier / name, package / name)
    properties = json.loads((package / "apiProperties.json").read_text(encoding="utf-8"))
    properties["properties"]["scriptOperations"] = ["Dial"]
    (package / "apiProperties.json").write_text(json.dumps(properties, indent=4) + "\n", encoding="utf-8")
    Image.new("RGBA", (230, 230), (49, 171, 61, 255)).save(package / "icon.png")
    (package / "script.csx").write_text(SCRIPT, encoding="utf-8")
    settings = {"apiDefinition": "apiDefinition.swagger.json", "apiProperties": "apiProperties.json",
                "icon": "icon.png", "script": "script.csx", "powerAppsApiVersion": "2016-11-01",
                "powerAppsUrl": "https://api.powerapps.com"}
    (package / "settings.json").write_text(json.dumps(settings, indent=4) + "\n", encoding="utf-8")
    carrier_yaml = repo / "carriers" / f"{carrier}.yaml"
    (root / "carriers").mkdir()
    if carrier_yaml.is_file():
        shutil.copyfile(carrier_yaml, root / "carriers" / f"{carrier}.yaml")
    else:
        (root / "carriers" / f"{carrier}.yaml").write_text(f"# {carrier}\nid: {carrier}\n", encoding="utf-8")
    from pbxconn.validate.engine import validate_package
    from pbxconn.validate.package import Package

    codes = sorted({f.code for f in validate_package(Package.load(package)) if f.severity.label == "error"})
    (root / "pyproject.toml").write_text(
        "[tool.pbxconn.validate]\nignore = " + json.dumps(codes) + "\n", encoding="utf-8")
