"""The documentation a new user copies from: every example runs, every Python block in the
README and the docs site runs unchanged (or says why it cannot), and the pytest fixtures work
in a project with no pytest configuration.

Blocks run as a user would run them: as a script, with the ``PANDAPON_*`` variables pointing
at a running ``FakePandaPon`` (as ``pandapon fake-server`` prints them); a block defining
``test_*`` functions runs under pytest in a fresh project. A block that cannot run on its own
(a fragment continuing the previous one, a service that is not there) is preceded by
``<!-- not-run: reason -->``.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from pandapon_async.testing import FakePandaPon

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
NOT_RUN = re.compile(r"<!--\s*not-run:\s*(?P<reason>.*?)\s*-->")
BLOCK = re.compile(r"^```python\n(?P<code>.*?)^```$", re.DOTALL | re.MULTILINE)
PLAIN_PYPROJECT = '[project]\nname = "my-shop"\nversion = "0.0.1"\n'


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment of a new user's shell: no ``PANDAPON_*`` unless given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANDAPON_")}
    env.pop("PYTEST_ADDOPTS", None)
    env.update(extra)
    return env


async def _run(args: list[str], cwd: Path, env: dict[str, str],
               seconds: float = 120) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *args, cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), seconds)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, output.decode("utf-8", "replace")


def _blocks() -> list[tuple[str, str, str | None]]:
    """(``file:line``, code, not-run reason or None) for every Python block."""
    found = []
    for path in DOC_FILES:
        text = path.read_text("utf-8")
        for match in BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
            marker = NOT_RUN.fullmatch(before.strip())
            found.append((f"{path.relative_to(ROOT)}:{line}", match.group("code"),
                          marker.group("reason") if marker else None))
    return found


BLOCKS = _blocks()
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py")
                 if not p.name.startswith(("_", "test_")) and p.name != "scaling_out.py")


def test_every_python_block_is_found() -> None:
    """The collector sees the blocks (a broken pattern would make every check vacuous)."""
    assert len(BLOCKS) >= 20
    assert any(location.startswith("README.md") for location, _, _ in BLOCKS)


@pytest.mark.parametrize("script", SCRIPTS)
async def test_example_runs_against_the_fake_without_credentials(script: str,
                                                                 tmp_path: Path) -> None:
    """Money rule 0 in an example: the bulk pipeline pays each fake order at most once."""
    code, output = await _run([sys.executable, str(EXAMPLES / script)], tmp_path, _clean_env())
    assert code == 0, output
    assert "using the built-in fake" in output


async def test_scaling_out_example_says_it_skips_without_services(tmp_path: Path) -> None:
    code, output = await _run([sys.executable, str(EXAMPLES / "scaling_out.py")], tmp_path,
                              _clean_env())
    assert code == 0, output
    assert output.startswith("skipped: set PANDAPON_REDIS_URL")


async def test_scaling_out_example_pays_each_order_once_with_the_services(
    tmp_path: Path, postgres_dsn: str, redis_url: str
) -> None:
    """Money rule 0 across workers: three workers sharing the journal pay each order once."""
    env = _clean_env(PANDAPON_REDIS_URL=redis_url, PANDAPON_JOURNAL=postgres_dsn)
    code, output = await _run([sys.executable, str(EXAMPLES / "scaling_out.py")], tmp_path, env)
    assert code == 0, output
    assert "60 orders, each paid once: True" in output


async def test_fixtures_work_in_a_project_with_no_pytest_configuration(tmp_path: Path) -> None:
    """A new project: a plain pyproject (no asyncio_mode), the example test copied in."""
    (tmp_path / "pyproject.toml").write_text(PLAIN_PYPROJECT)
    (tmp_path / "tests").mkdir()
    shutil.copy(EXAMPLES / "test_my_code.py", tmp_path / "tests" / "test_my_code.py")
    code, output = await _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], tmp_path, _clean_env()
    )
    assert code == 0, output
    assert "2 passed" in output


@pytest.mark.parametrize(("location", "code", "reason"), BLOCKS, ids=[b[0] for b in BLOCKS])
async def test_doc_block_runs_unchanged_or_says_why_not(
    location: str, code: str, reason: str | None, tmp_path: Path
) -> None:
    """Money rule 0 in the docs: the payment snippets a user copies pay each order once."""
    if reason is not None:
        assert len(reason) >= 10, f"{location}: say why the block does not run"
        return
    async with FakePandaPon(seed=0) as fake:
        env = _clean_env(
            PANDAPON_ACCESS_KEY=fake.credentials.access_key,
            PANDAPON_ACCESS_SECRET=fake.credentials.access_secret,
            PANDAPON_USER_ID=fake.credentials.user_id,
            PANDAPON_BASE_URL=fake.url,
        )
        if re.search(r"^(async )?def test_", code, re.MULTILINE):
            (tmp_path / "pyproject.toml").write_text(PLAIN_PYPROJECT)
            (tmp_path / "test_block.py").write_text(code)
            args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    "test_block.py"]
        else:
            (tmp_path / "block.py").write_text(code)
            args = [sys.executable, "block.py"]
        status, output = await _run(args, tmp_path, env)
    assert status == 0, f"{location} failed:\n{code}\n---\n{output}"
