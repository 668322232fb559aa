"""A production server installs only what it runs: the runtime lock carries no test runner, linter, browser
driver, Spark or demo generator, and every lock pins each file by hash."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)", re.MULTILINE)
HASHED_PIN = re.compile(r"^[A-Za-z0-9_.-]+==\S+( ;[^\\\n]*)? \\\n\s+--hash=sha256:", re.MULTILINE)


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    return {m.group(1).lower().replace("_", "-"): m.group(2) for m in PIN.finditer(text)}


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[=<>~ ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_the_runtime_lock_leaves_out_development_spark_and_demo():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    runtime = _pins("runtime.lock")
    assert _names(project["dependencies"]) <= set(runtime)
    left_out = _names(extras["dev"]) | _names(extras["spark"]) | _names(extras["demo"])
    assert {"pytest", "playwright", "ruff", "pyspark", "faker"} <= left_out
    assert left_out & set(runtime) == set()
    assert "pyspark" in _pins("spark.lock")


def test_every_lock_pins_hashes_and_agrees_with_the_runtime_lock():
    runtime = _pins("runtime.lock")
    for name in ("runtime.lock", "spark.lock", "dev.lock"):
        text = (ROOT / "requirements" / name).read_text()
        pins = _pins(name)
        assert text.count("==") >= len(pins) > 0
        assert len(HASHED_PIN.findall(text)) == len(pins)
        assert {k: pins[k] for k in runtime} == runtime, f"{name} pins other versions than runtime.lock"
