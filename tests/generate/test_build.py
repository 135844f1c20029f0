"""The build: deterministic output, the package's shape, and adding a carrier."""

from __future__ import annotations

import json

from PIL import Image

from pbxconn.generate.build import PACKAGE_FILES, build, render_all

EXPECTED_FILES = {
    "apiDefinition.swagger.json", "apiProperties.json", "settings.json", "script.csx",
    "Readme.md", "docs/reference.md", "icon.png",
}


def test_builds_in_two_processes_with_different_hash_seeds_are_byte_identical(project, tmp_path):
    """Set and dict iteration that leaked into the output would differ between hash seeds."""
    import os
    import shutil
    import subprocess
    import sys

    trees = []
    for seed in ("1", "2"):
        root = tmp_path / f"seed{seed}"
        shutil.copytree(project, root)
        shutil.rmtree(root / "connectors")
        (root / "connectors").mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-m", "pbxconn", "build", "--root", str(root)],
                              capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        out = root / "connectors"
        trees.append({str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert trees[0] == trees[1]
    assert {name.split("/")[0] for name in trees[0]} == {p.stem for p in (project / "carriers").glob("*.yaml")}


def _carriers(repo):
    """(id, parsed YAML) of every carrier or provider in the tree."""
    import yaml

    return [(p.stem, yaml.safe_load(p.read_text("utf-8"))) for p in sorted((repo / "carriers").glob("*.yaml"))]


def test_package_shape(repo):
    for carrier, _ in _carriers(repo):
        folder = repo / "connectors" / carrier
        files = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
        assert files == EXPECTED_FILES
        for name in files - {"icon.png"}:
            data = (folder / name).read_bytes()
            assert not data.startswith(b"\xef\xbb\xbf"), f"{name} has a BOM"
            assert data.endswith(b"\n") and not data.endswith(b"\n\n"), name
        for name in ("apiDefinition.swagger.json", "apiProperties.json", "settings.json"):
            text = (folder / name).read_text(encoding="utf-8")
            assert text == json.dumps(json.loads(text), indent=4, ensure_ascii=False) + "\n", name
        swagger = json.loads((folder / "apiDefinition.swagger.json").read_text())
        assert list(swagger)[:4] == ["swagger", "info", "x-ms-connector-metadata", "host"]
        assert swagger["info"]["description"]
        assert "environment" not in json.loads((folder / "settings.json").read_text())


def test_the_two_packages_differ_only_in_brand_values(repo):
    """One source: swapping the brand strings turns the LMT swagger into the Tele2 one."""
    tele2 = (repo / "connectors/tele2/apiDefinition.swagger.json").read_text()
    lmt = (repo / "connectors/lmt/apiDefinition.swagger.json").read_text()
    swaps = [("Zvanu Parvaldnieks", "Mobili Stotele"), ("Latvijas Mobilais Telefons", "Tele2"),
             ("https://zvanuparvaldnieks.lmt.lv", "https://mobili-stotele.tele2.lt"),
             ("zvanuparvaldnieks.lmt.lv", "mobili-stotele.tele2.lt"),
             ("tehn.atbalsts@lmt.lv", "integrations@tele2.lt"),
             ("https://www.lmt.lv/en/data-processing",
              "https://www.tele2.com/sustainability/information-for-sustainability-professionals/privacy-and-integrity/"),
             ("LMT mobile subscribers", "Tele2 mobile subscribers")]
    for old, new in swaps:
        lmt = lmt.replace(old, new)
    assert lmt == tele2


def test_icon_is_230_square_on_the_brand_colour(repo):
    for carrier, data in _carriers(repo):
        hex_colour = data["icon"]["brand_color"]
        colour = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        image = Image.open(repo / "connectors" / carrier / "icon.png").convert("RGB")
        assert image.size == (230, 230)
        assert image.getpixel((0, 0)) == colour


def test_a_third_carrier_is_one_yaml_file_and_an_icon(project):
    carriers = project / "carriers"
    text = (carriers / "tele2.yaml").read_text()
    text = (text.replace("id: tele2", "id: acme").replace("Mobili Stotele", "Acme Voice")
            .replace("mobili-stotele.tele2.lt", "pbx.acme.example").replace("#31ab3d", "#123456")
            .replace("icons/tele2.png", "icons/acme.png"))
    (carriers / "acme.yaml").write_text(text)
    Image.new("RGB", (230, 230), "#123456").save(carriers / "icons" / "acme.png")
    result = build(project, ["acme"])
    assert result.errors == []
    out = project / "connectors" / "acme"
    assert {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} == EXPECTED_FILES
    swagger = json.loads((out / "apiDefinition.swagger.json").read_text())
    assert swagger["host"] == "pbx.acme.example"
    assert swagger["info"]["title"] == "Acme Voice"
    props = json.loads((out / "apiProperties.json").read_text())
    assert props["properties"]["iconBrandColor"] == "#123456"
    assert "Acme Voice" in (out / "Readme.md").read_text()


def test_every_template_is_used(repo):
    templates = {p.name for p in (repo / "templates").glob("*.j2") if not p.name.startswith("_")}
    assert templates == {t for t, _ in PACKAGE_FILES.values()}


def test_a_field_added_to_an_entity_appears_everywhere_it_is_carried(project, edit):
    edit(project / "catalog/pbx/entities.yaml",
         "    callEnded: {type: string, title: Call ended, description: When the call ended.}\n",
         "    callEnded: {type: string, title: Call ended, description: When the call ended.}\n"
         "    trunk: {type: string, title: Trunk, description: Trunk the call used.}\n")
    swagger = json.loads(render_all(project, ["tele2"])[0].files["apiDefinition.swagger.json"])
    assert "trunk" in swagger["definitions"]["Call"]["properties"]
    # by-id and polling responses reference the one definition
    by_id = swagger["paths"]["/call_history/{call_id}"]["get"]["responses"]["200"]["schema"]
    listed = swagger["paths"]["/trigger/call_history"]["get"]["responses"]["200"]["schema"]
    assert by_id["properties"]["data"] == {"$ref": "#/definitions/Call"}
    assert listed["properties"]["data"]["items"] == {"$ref": "#/definitions/Call"}
