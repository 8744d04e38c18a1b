"""Every relative link of README.md and docs/*.md leads somewhere: the file
exists in the repository, and a #fragment names a heading of the target
(GitHub's anchors: lower case, punctuation dropped, spaces to hyphens, -1,
-2... for repeats). The README sends readers to docs/ for the reference, so
a renamed file or heading must not leave them at a dead end."""
import re
from pathlib import Path

import pytest

from conftest import REPO

PAGES = [REPO / "README.md"] + sorted((REPO / "docs").glob("*.md"))
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def prose(text):
    """The text outside fenced code blocks and inline code spans."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    return re.sub(r"`[^`\n]*`", "", text)


def anchors(page):
    seen = {}
    found = set()
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"),
                  flags=re.MULTILINE | re.DOTALL)
    for heading in re.findall(r"^#{1,6} +(.+?) *#*$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def relative_links(page):
    for target in LINK.findall(prose(page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:...
            continue
        yield target


def test_the_pages_link_to_each_other():
    assert len(PAGES) > 5  # README.md and the docs/ files were found
    targets = {t for page in PAGES for t in relative_links(page)}
    assert "docs/settings.md" in targets and any("#" in t for t in targets)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves(page):
    broken = []
    for target in relative_links(page):
        path, _, fragment = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists() or REPO.resolve() not in dest.parents:
            broken.append(f"{target}: no such file in the repository")
        elif fragment and dest.suffix == ".md" and fragment not in anchors(dest):
            broken.append(f"{target}: {dest.name} has no heading #{fragment}")
    assert not broken, f"{page.relative_to(REPO)}: " + "; ".join(broken)
