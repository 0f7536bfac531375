"""The house rules that a reader can check by eye, checked for them.

A lab page is a declaration and its words (under 260 non-blank lines, no
hand-built session keys, no branch on a failure's name), the README is read
in two minutes (at most 10,000 characters) and its commands are the ones CI
runs.
"""

import re
from pathlib import Path

import pytest

from alcore.registry import FAILURES

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "app_pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name)
def test_a_lab_page_is_one_short_file_on_the_machinery(page):
    text = page.read_text()
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) < 260, f"{page.name} has {len(lines)} non-blank lines"
    hand_built = re.findall(r"""session_state(?:\[|\.get\(|\.setdefault\()\s*f?["']|f["']\{PAGE\}\.""", text)
    assert not hand_built, "pages name session keys through ui.session, not by hand"


def test_no_page_branches_on_a_failures_name():
    text = (ROOT / "app_pages" / "failures.py").read_text()
    for name in FAILURES:
        assert not re.search(rf"""==\s*["']{name}["']""", text), name


def test_the_readme_is_short_and_its_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    assert len(readme) <= 10_000, f"README.md has {len(readme)} characters"
    commands = re.findall(r"```bash\n(.+?)\n```", readme)
    assert "pip install -r requirements.txt && streamlit run app.py" in commands
    test_command = next(command for command in commands if "pytest" in command)
    ci = (ROOT / ".ci" / "run").read_text()
    install, run = test_command.split(" && ")
    assert install.replace("pip install", "").strip() in ci
    assert run.strip() in ci, f"CI does not run the README's test command {run!r}"
