"""The documents stay true and short: README within 250 lines, every relative link resolves, and
every subcommand and flag the README and the user guide show exists in the CLI's own parser."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from core.__main__ import SUBCOMMANDS, build_parser

REPO = Path(__file__).resolve().parents[1]
DOCS = ["README.md", "CONTRIBUTING.md", "docs/guide.md", "bench/README.md"]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


def _synopsis(text: str) -> list[str]:
    """`python -m core ...` lines of the code blocks, each with its continuation lines."""
    commands: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        code = line.split("  #")[0].rstrip()
        if fenced and code.startswith("python -m core "):
            commands.append(code)
        elif fenced and commands and line.startswith("        ") and code.strip():
            commands[-1] += " " + code.strip()
    return commands


def test_readme_is_short():
    assert len((REPO / "README.md").read_text(encoding="utf-8").splitlines()) <= 250


@pytest.mark.parametrize("doc", DOCS)
def test_relative_links_resolve(doc):
    path = REPO / doc
    links = re.findall(r"\]\(([^)#:]+)\)", path.read_text(encoding="utf-8"))
    assert [link for link in links if not (path.parent / link).exists()] == []


@pytest.mark.parametrize("doc", ["README.md", "docs/guide.md"])
def test_every_command_shown_exists(doc):
    commands = _synopsis((REPO / doc).read_text(encoding="utf-8"))
    top = _subparsers(build_parser())
    assert {c.split()[3] for c in commands} == set(SUBCOMMANDS)  # every subcommand shown, no other
    wrong = []
    for command in commands:
        words = command.split()[3:]
        parser = top[words[0]]
        nested = _subparsers(parser)
        if nested and words[1] in nested:  # churn fit, sentiment shifts, ...
            parser = nested[words[1]]
        known = {s for a in parser._actions for s in a.option_strings}
        wrong += [
            f"{' '.join(words[:2])}: {flag}" for flag in re.findall(r"--[a-z][a-z-]*", command) if flag not in known
        ]
    assert wrong == []
