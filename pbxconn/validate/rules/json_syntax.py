"""JSON that parses but does not say one thing: a key written twice in the same object."""

from __future__ import annotations

from pbxconn.validate.rule import register
from pbxconn.validate.rules._problems import LoaderProblemRule


@register
class DuplicateKey(LoaderProblemRule):
    """A key appears twice in the same JSON object (swagger, apiProperties.json or settings.json).

    What it does: finds every object member whose key was already used in that object and reports
    it at the repetition, naming the line and column of the first one. An error when the two values
    differ, a warning when they are the same.

    Why it matters: JSON parsers keep only one of the two values and say nothing (Python and recent
    Json.NET keep the last; older Json.NET refuses the document). The author meant something with
    each of them: with different values, one of them is silently lost (a second `description`, a
    second `x-ms-visibility`, a second `properties` block of a schema).

    Fix: merge the two members into one, or delete the stale one.
    """
