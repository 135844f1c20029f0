"""Microsoft's limits on a connector's metadata, shared by the generator's input schema and the validator."""

from __future__ import annotations

# Microsoft's validator: "goes over the character limit '30'" on info.title.
TITLE_MAX_LENGTH = 30
# Microsoft's validator: info.description "must be between '30' and '500'" characters.
DESCRIPTION_LENGTH = (30, 500)
