"""The project's own files: dependencies agree, notebooks carry no outputs, texts are complete."""

import json
import re
import tomllib

import yaml
from conftest import ROOT
from jdpromo import columns, text
from jdpromo.params import NOTEBOOKS

# conda-forge names that differ from PyPI's
CONDA_NAMES = {"python-duckdb": "duckdb"}
_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _split(req: str) -> tuple[str, str]:
    name, spec = _REQ.match(req).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_yml_and_pyproject_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = dict(
        _split(r)
        for r in project["dependencies"] + extras["test"] + extras["bench"] + extras["dask"]
    )
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    have = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e") or item.split(">")[0] in {"python", "pip"}:
                continue
            name, spec = _split(item)
            have[CONDA_NAMES.get(name, name)] = spec
    assert have == wanted
    assert "-e ." in next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]


def test_committed_notebooks_have_no_outputs():
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [], nb_path.name
                assert cell["execution_count"] is None, nb_path.name


def test_every_runner_notebook_exists_with_a_parameters_cell():
    for name in NOTEBOOKS:
        nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, name
        assert 'shop = "demo"' in "".join(tagged[0]["source"])


def test_every_text_exists_in_both_languages():
    plural = {f"{lang}_one" for lang in text.LANGS}  # "1 more row" beside "{n} more rows"
    for key, langs in text.TEXT.items():
        assert set(langs) - plural == set(text.LANGS), key
        assert all(v.strip() for v in langs.values()), key
    for name, col in columns.REGISTRY.items():
        assert all(col.label(lang).strip() for lang in text.LANGS), name


def test_text_fields_match_between_languages():
    field = re.compile(r"\{(\w+)")
    for key, langs in text.TEXT.items():
        assert set(field.findall(langs["zh"])) == set(field.findall(langs["en"])), key
