"""The preview's HTML: one Jinja environment (autoescaped) over the templates shipped with pbxconn."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from pbxconn import __version__
from pbxconn.preview.diffpage import DiffPage
from pbxconn.preview.model import LEVELS, Card, Connector, Issue

if TYPE_CHECKING:
    import jinja2


@lru_cache(maxsize=1)
def environment() -> "jinja2.Environment":
    """The one Jinja environment of the preview pages (jinja2 is imported on first use)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pbxconn.preview", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["levels"] = level_counts
    env.filters["search_text"] = search_text
    env.globals["version"] = __version__
    return env


def render_preview(connector: Connector, source: str) -> str:
    """The preview page of one connector; `source` names the folder it was read from."""
    return environment().get_template("preview.html.j2").render(
        connector=connector, source=source, op_titles=operation_titles(connector))


def render_diff(page: DiffPage) -> str:
    """The diff page of two versions of a connector."""
    return environment().get_template("diff.html.j2").render(
        page=page, connector=page.connector, op_titles=operation_titles(page.connector))


def operation_titles(connector: Connector) -> dict[str, str]:
    """operationId -> the title a maker reads (for "dropdown from ..." hints)."""
    return {card.operation_id: card.title for card in connector.cards if card.operation_id}


def level_counts(issues: Iterable[Issue]) -> list[tuple[str, int]]:
    """(level, count) of the levels present, worst first."""
    counts: dict[str, int] = {}
    for issue in issues:
        counts[issue.level] = counts.get(issue.level, 0) + 1
    return [(level, counts[level]) for level in LEVELS if level in counts]


def search_text(card: Card) -> str:
    """What the search box matches a card against, in lower case."""
    parts = [card.title, card.operation_id, card.method, card.path, card.description]
    parts += [i.title for i in card.inputs if not i.hidden]
    parts += [t.title for t in card.tokens]
    parts += [i.code for i in card.all_issues]
    return " ".join(p for p in parts if p).lower()
