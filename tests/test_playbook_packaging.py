"""The wheel carries the shipped playbooks and stylesheets, and finds them once installed.

Builds a wheel of this checkout offline: no build isolation, so pip uses the build
backend (hatchling, in the ``test`` extras) already installed next to the tests instead
of fetching it, and no index at all. Installs it the same way (``--no-deps --no-index
--target``) into a temporary folder, and loads the playbooks from there in a subprocess
whose working directory is outside the checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHIPPED_IDS = sorted(path.stem for path in (REPO / "playbooks").glob("*.yaml"))

CHECK = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    site, repo = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    # The editable install puts the checkout on sys.path: take it off, put the wheel first.
    sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != repo]
    sys.path.insert(0, str(site))
    import tui
    from tui.paths import shipped_playbooks_dir
    from tui.playbooks import load_playbooks
    shipped = shipped_playbooks_dir()
    found, problems = load_playbooks([(shipped, "shipped")])
    print(json.dumps({
        "tui": str(Path(tui.__file__).resolve()),
        "shipped": str(shipped.resolve()),
        "ids": sorted(found),
        "origins": sorted({pb.origin for pb in found.values()}),
        "problems": [str(p) for p in problems],
    }))
""")


def _offline_env() -> dict[str, str]:
    """pip with no index, no links to look through and no proxy to reach: offline."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS="", PIP_CONFIG_FILE=os.devnull,
               PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    return env


def test_wheel_ships_playbooks_and_stylesheets(tmp_path: Path) -> None:
    assert len(SHIPPED_IDS) == 8
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "-w", str(wheels), str(REPO)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env=_offline_env(),
    )
    assert build.returncode == 0, build.stderr[-3000:]
    built = sorted(wheels.glob("holdtheline-*.whl"))
    assert len(built) == 1, built
    wheel = built[0]

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for name in ("tui/shipped_playbooks/ma-health-connector.yaml", "tui/app.tcss",
                 "tui/screens/call.tcss", "tui/playbooks/loader.py"):
        assert name in names, name
    assert {f"tui/shipped_playbooks/{pid}.yaml" for pid in SHIPPED_IDS} <= names
    assert not [name for name in names if name.startswith(("tests/", "playbooks/", ".venv"))]

    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
         "--target", str(site), str(wheel)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=_offline_env(),
    )
    assert install.returncode == 0, install.stderr[-3000:]

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    run = subprocess.run(
        [sys.executable, "-c", CHECK, str(site), str(REPO)],
        capture_output=True, text=True, timeout=60, cwd=outside,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout)
    assert Path(result["tui"]).is_relative_to(site.resolve()), result["tui"]
    assert Path(result["shipped"]) == (site / "tui" / "shipped_playbooks").resolve()
    assert result["problems"] == []
    assert result["ids"] == SHIPPED_IDS
    assert result["origins"] == ["shipped"]
