"""Credentials written into a connector package.

A connector package is published (Microsoft's repository is public) and copied into every
environment it is deployed to; a real key, token or client secret in any of its files is a leak.
The detector judges by evidence: shapes that are credentials by construction (JWTs, private key
blocks, provider key formats) anywhere, and high-entropy literal values only where the field is a
secret (auth parameters, OAuth client secrets, auth headers set by policies, script literals
assigned to key-like names). A name alone is no evidence, nor is an identifier-shaped value
(a GUID, a short hex id). Placeholders such as `YOUR_API_KEY`, `<client secret>`, `xxxx` or AWS's
documented `...EXAMPLE` keys are not reported.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.core.sourcemap import text_position
from pbxconn.validate.index import Index
from pbxconn.validate.rule import Rule, Violation, register

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """One credential-shaped span of a text: what kind, where (offsets), and the text."""

    kind: str  # "bearer", "private-key", "access-key", "api-key", "client-secret"
    start: int
    end: int
    text: str
    label: str  # what it looks like, for the message


# (kind, label, tokens, pattern): every match of `pattern` holds one of `tokens` (literal text);
# group "secret" (if any) is the part judged for placeholders.
_SHAPES: list[tuple[str, str, tuple[str, ...], re.Pattern[str]]] = [
    ("bearer", "a JSON Web Token", ("eyJ",),
     re.compile(r"(?<![A-Za-z0-9_-])(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})")),
    ("bearer", "a bearer token", ("Bearer",),
     re.compile(r"\bBearer\s+(?P<secret>[A-Za-z0-9\-._~+/]{24,}=*)(?![A-Za-z0-9\-._~+/])")),
    ("private-key", "a private key", ("PRIVATE KEY",),
     re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?P<secret>[\sA-Za-z0-9+/=:,-]{40,}?)"
                r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----")),
    ("private-key", "a private key", ("PRIVATE KEY",),
     re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:\\r)?(?:\\n|\s)(?P<secret>[A-Za-z0-9+/=]{40,})")),
    ("access-key", "an AWS access key id", ("AKIA", "ASIA"),
     re.compile(r"(?<![A-Z0-9])(?P<secret>(?:AKIA|ASIA)[0-9A-Z]{16})(?![A-Z0-9])")),
    ("access-key", "a GitHub token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
     re.compile(r"(?<![A-Za-z0-9_])(?P<secret>gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})")),
    ("access-key", "a Slack token", ("xox",),
     re.compile(r"(?<![A-Za-z0-9])(?P<secret>xox[abposr]-[0-9A-Za-z]{8,}-[0-9A-Za-z-]{8,})")),
    ("access-key", "a Google API key", ("AIza",),
     re.compile(r"(?<![A-Za-z0-9_-])(?P<secret>AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])")),
    ("access-key", "a Stripe secret key", ("k_live_",),
     re.compile(r"(?<![A-Za-z0-9_])(?P<secret>[sr]k_live_[0-9A-Za-z]{20,})")),
    ("access-key", "an OpenAI API key", ("sk-",),
     re.compile(r"(?<![A-Za-z0-9_-])(?P<secret>sk-(?:proj-)?[A-Za-z0-9_-]{40,})")),
    ("access-key", "an Azure storage account key", ("AccountKey=",),
     re.compile(r"AccountKey=(?P<secret>[A-Za-z0-9+/]{80,}={0,2})")),
    ("access-key", "an Azure shared access signature", ("sig=",),
     re.compile(r"[?&]sig=(?P<secret>[A-Za-z0-9%+/]{40,}={0,2}(?:%3D){0,2})")),
]

# The pre-scan: most files hold no token at all. Each token is found through one of its
# characters, its anchor, chosen rare in connector files: (anchor, tail, tokens, jump), the anchor
# standing `tail` characters before the end of each token. Where `jump`, the anchor is rare
# enough (a few dozen per file) for str.find to jump between its occurrences at memchr speed;
# the common ones are cheaper to pass to one regex search that stops only at the anchor.
_ANCHORS: tuple[tuple[str, int, tuple[str, ...], bool], ...] = (
    ("J", 0, ("eyJ",), True),
    ("Y", 0, ("PRIVATE KEY",), True),
    ("=", 0, ("AccountKey=", "sig="), True),
    ("K", 2, ("AKIA",), True),
    ("z", 1, ("AIza",), True),
    ("B", 5, ("Bearer",), True),
    ("A", 3, ("ASIA",), False),
    ("k", 1, ("sk-",), False),
    ("_", 0, ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "k_live_"), False),
    ("x", 2, ("xox",), False),
)


def _anchored(anchor: str, tail: int, tokens: tuple[str, ...]) -> str:
    """Regex source matching each of `tokens` from its anchor on, what comes before the anchor
    checked by a lookbehind: a search stops only at the anchor (and runs fastest on a token that
    starts with it: plain text)."""
    alternatives = []
    for token in tokens:
        at = len(token) - 1 - tail
        head = f"(?<={re.escape(token[:at + 1])})" if at else ""
        alternatives.append(re.escape(anchor) + head + re.escape(token[at + 1:]))
    return "|".join(alternatives)


_ANCHOR_SEARCH = [(anchor, tail, tokens, None if jump else re.compile(_anchored(anchor, tail, tokens)))
                  for anchor, tail, tokens, jump in _ANCHORS]
# Every token, from its anchor on (`_has_token` in one regex; its matches locate the tokens).
_QUICK = re.compile("|".join(_anchored(anchor, tail, tokens) for anchor, tail, tokens, _ in _ANCHORS))
# Below about this length one pass of _QUICK costs less than the ten searches of `_has_token`.
_SHORT_TEXT = 1024


def _jumps_to_token(text: str, anchor: str, tail: int, tokens: tuple[str, ...]) -> bool:
    """Whether one of `tokens` ends `tail` characters after an occurrence of `anchor` in `text`,
    visiting the occurrences with str.find."""
    find, ends = text.find, text.endswith
    at = find(anchor)
    while at >= 0:
        # an end past the text is clamped to it: a True then still means a token in `text`
        if ends(tokens, 0, at + 1 + tail):
            return True
        at = find(anchor, at + 1)
    return False


def _has_token(text: str) -> bool:
    """Whether `text` holds one of the shapes' tokens (as `_QUICK.search(text)` says, sooner on
    long texts)."""
    if len(text) < _SHORT_TEXT:
        return _QUICK.search(text) is not None
    for anchor, tail, tokens, pattern in _ANCHOR_SEARCH:
        if _jumps_to_token(text, anchor, tail, tokens) if pattern is None else pattern.search(text):
            return True
    return False


_PLACEHOLDER = re.compile(
    r"your|example|sample|dummy|placeholder|redacted|secret_here|changeme|change_me|insert|replace|"
    r"<[^>]*>|\{[^}]*\}|\[[^\]]*\]|x{4,}|\*{3,}|\.{3}|0{8,}|1234567890|abcdef|token_here|_here",
    re.IGNORECASE)
# The sample token of jwt.io, quoted in many guides.
_KNOWN_SAMPLES = ("SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",)

AUTH_NAME = re.compile(
    r"api[-_ ]?key|apikey|access[-_ ]?key|secret|token|password|passwd|authorization|"
    r"subscription[-_ ]?key|credential|auth$|^auth|^key$|_key$|-key$",
    re.IGNORECASE)
# Words that make a key- or token-named field an identifier, a cursor or metadata about the secret
# (pageToken, idempotency-key, partition_key, public_key, tokenType, apiKeyName, client_secret_expiry).
NOT_SECRET_WORDS = frozenset((
    "next", "page", "paging", "continuation", "cursor", "sync", "skip", "resume", "delta", "offset",
    "idempotency", "idempotent", "correlation", "trace", "partition", "row", "sort", "foreign", "object",
    "issue", "project", "entity", "record", "item", "lookup", "cache", "public", "kid", "id", "ids", "name",
    "names", "type", "types", "url", "uri", "endpoint", "expiry", "expires", "expiration", "expire", "ttl",
    "lifetime", "length", "count", "format", "location", "prefix", "hint", "version", "scope", "scopes",
    "status", "label", "description", "policy", "mode", "method", "scheme"))
_NAME_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_NOT_SECRET_COMPOUND = re.compile(r"^(?:next|page|nextpage|continuation|sync|cursor|idempotency|partition|public)"
                                  r"(?:token|key)$", re.IGNORECASE)
_GUID = re.compile(r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?")
_HEX = re.compile(r"[0-9a-fA-F]+")
# Hex strings shorter than this are ids (64-bit ids, 96-bit ObjectIds); 128 bits and more may be keys.
SHORTEST_HEX_KEY = 32


def entropy(text: str) -> float:
    """Shannon entropy of `text` in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def is_placeholder(value: str) -> bool:
    """Whether a credential-looking value is a documented placeholder rather than a real secret."""
    return bool(_PLACEHOLDER.search(value)) or any(s in value for s in _KNOWN_SAMPLES)


def looks_like_key(value: Any) -> bool:
    """A literal that could be an API key or secret: long, random-looking, no spaces, no expression."""
    if not isinstance(value, str):
        return False
    value = value.strip()
    for prefix in ("Bearer ", "Basic ", "bearer ", "basic ", "Token ", "token "):
        if value.startswith(prefix):
            value = value[len(prefix):].strip()
    if len(value) < 16 or len(value) > 512 or re.search(r"\s", value) or "@" in value:
        return False
    if "://" in value or value.startswith(("/", "#", "$")) or is_placeholder(value):
        return False
    if not (re.search(r"[A-Za-z]", value) and re.search(r"[0-9]", value)):
        return False
    if re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", value):
        return entropy(value.replace("-", "")) > 3.0  # GUID-shaped keys: only when random
    return entropy(value) >= 3.5


def secret_name(name: Any) -> bool:
    """Whether a field, header or variable name says its value is a credential."""
    if not isinstance(name, str) or not AUTH_NAME.search(name) or _NOT_SECRET_COMPOUND.match(name):
        return False
    return not any(word.lower() in NOT_SECRET_WORDS for word in _NAME_WORD.findall(name))


def is_guid(value: str) -> bool:
    """A GUID/UUID (8-4-4-4-12 hex digits, optionally in braces)."""
    return bool(_GUID.fullmatch(value.strip()))


def is_short_hex_id(value: str) -> bool:
    """A hex string too short to be a key (fewer than SHORTEST_HEX_KEY digits): an identifier."""
    value = value.strip()
    return len(value) < SHORTEST_HEX_KEY and bool(_HEX.fullmatch(value))


def find_secrets(text: str) -> list[SecretMatch]:
    """Credential-shaped spans in free text (any file), placeholders excluded, in text order."""
    out: list[SecretMatch] = []
    taken: list[tuple[int, int]] = []
    if not text or len(text) < 16 or not _has_token(text):
        return out
    for kind, label, tokens, pattern in _SHAPES:
        if not any(token in text for token in tokens):
            continue  # no match without one
        for match in pattern.finditer(text):
            secret = match.group("secret")
            if is_placeholder(secret) or (kind == "bearer" and label == "a bearer token" and not looks_like_key(secret)):
                continue
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            out.append(SecretMatch(kind, start, end, match.group(0), label))
    return sorted(out, key=lambda m: m.start)


# --------------------------------------------------------------------------- per package

_VALUE_KEYS = ("default", "x-example", "example", "x-ms-test-value")
_VALUE_KEY_SET = frozenset(_VALUE_KEYS)


def _strings(value: Any, at: tuple, shortest: int) -> list[tuple[tuple, str]]:
    """(path, string) of every string value at least `shortest` long, in document order.
    Paths are kept as (parent link, key) links and spelled out only for the strings returned."""
    out: list[tuple[Any, str]] = []
    stack: list[tuple[Any, Any]] = [(value, None)]
    pop, push = stack.pop, stack.append
    while stack:
        node, link = pop()
        if isinstance(node, str):
            if len(node) >= shortest:
                out.append((link, node))
        elif isinstance(node, dict):
            for k, v in node.items():
                push((v, (link, k)))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                push((v, (link, i)))
    spelled = []
    for link, node in out:
        parts = []
        while link is not None:
            link, key = link
            parts.append(key)
        parts.reverse()
        spelled.append((at + tuple(parts), node))
    return spelled


def _walk_dicts(value: Any, at: tuple) -> Iterator[tuple[tuple, Mapping]]:
    stack = [(value, at)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            yield where, node
            stack.extend((v, where + (k,)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, where + (i,)) for i, v in enumerate(node))


@dataclass(frozen=True, slots=True)
class _Hit:
    kind: str
    label: str
    file: str
    pointer: tuple = ()
    line: int = 0
    column: int = 0
    severity: Severity | None = None


def _literal_hit(value: Any, what: str, file: str, pointer: tuple = (), line: int = 0, column: int = 0) -> _Hit | None:
    """The hit for a literal in a secret field: an error for a random-looking value, a warning for
    a GUID (usually an identifier), nothing for a short hex id, a placeholder or a known shape."""
    if not looks_like_key(value) or find_secrets(str(value)):
        return None
    text = str(value).strip()
    if is_short_hex_id(text):
        return None
    if is_guid(text):
        return _Hit("api-key", f"a GUID {what} (usually an identifier; remove it if it is a key)", file,
                    pointer, line, column, Severity.WARNING)
    return _Hit("api-key", f"a literal credential {what}", file, pointer, line, column)


_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def _tokens_only_in_harmless_strings(text: str) -> bool:
    """Whether every pre-scan token of a JSON text lies in a string (key or value) that holds no
    credential shape. A JSON string cannot span lines, so the string around a token is found on
    its own line. False when unsure: the caller then checks every string value."""
    for match in _QUICK.finditer(text):
        offset = match.start()
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        line = text[start:end if end >= 0 else len(text)]
        for token in _JSON_STRING.finditer(line):
            if token.start() <= offset - start < token.end():
                try:
                    decoded = json.loads(token.group())
                except ValueError:
                    return False
                if find_secrets(decoded):
                    return False
                break
        else:
            return False
    return True


def _shape_hits(role: str, value: Any, text: str | None) -> Iterator[_Hit]:
    # The decoded text, not the raw bytes: the same tokens (all ASCII), scanned twice as fast.
    if text is not None and (not _has_token(text) or _tokens_only_in_harmless_strings(text)):
        return
    for where, string_ in _strings(value, (), 16):
        if _has_token(string_):
            for m in find_secrets(string_):
                yield _Hit(m.kind, m.label, role, where)


def _value_hits(role: str, name: Any, node: Mapping, where: tuple) -> Iterator[_Hit]:
    if not ("default" in node or "x-example" in node or "example" in node or "x-ms-test-value" in node):
        return
    if secret_name(name):
        for key in _VALUE_KEYS:
            hit = _literal_hit(node.get(key), f"in {key!r} of {name!r}", role, where + (key,))
            if hit is not None:
                yield hit


def _swagger_value_hits(ctx: "Package") -> Iterator[_Hit]:
    """Credentials in defaults/examples of auth-named parameters and schema properties."""
    no_values = _VALUE_KEY_SET.isdisjoint  # most objects hold no default or example at all
    for param in ctx.parameters:
        if not no_values(param.param):
            yield from _value_hits("swagger", param.param.get("name"), param.param, param.pointer)
    for schema in ctx.schemas:
        if schema.role == "property" and not no_values(schema.schema):
            yield from _value_hits("swagger", schema.name, schema.schema, schema.pointer)


def _json_value_hits(role: str, value: Any) -> Iterator[_Hit]:
    """The same for small JSON files without an index (walks every object)."""
    for where, node in _walk_dicts(value, ()):
        name = node.get("name") if "in" in node else (
            where[-1] if len(where) >= 2 and where[-2] == "properties" else None)
        yield from _value_hits(role, name, node, where)


def _properties_hits(value: Any) -> Iterator[_Hit]:
    for where, node in _walk_dicts(value, ()):
        secret = node.get("clientSecret")
        if isinstance(secret, str) and secret.strip() and not is_placeholder(secret) and len(secret.strip()) >= 8:
            yield _Hit("client-secret", "an OAuth client secret", "properties", where + ("clientSecret",))
        params = node.get("parameters") if "templateId" in node else None
        if isinstance(params, dict):
            header = params.get("x-ms-apimTemplateParameter.name")
            literal = params.get("x-ms-apimTemplateParameter.value")
            hit = _literal_hit(literal, f"set as {header!r} by a policy", "properties",
                               where + ("parameters", "x-ms-apimTemplateParameter.value")) \
                if secret_name(header) else None
            if hit is not None:
                yield hit


# The lookbehind only skips starts inside an identifier, where a match cannot begin once the
# attempt at the identifier's first letter failed (same matches, a third of the time).
# The possessive quantifiers (*+) skip backtracking that cannot succeed: the characters given back
# could never match what follows.
_SCRIPT_ASSIGN = re.compile(
    r"(?P<name>(?<![A-Za-z_])[A-Za-z_]\w*+|\"[^\"\n]{1,60}\")\s*+(?:=|,|:)\s*+\$?@?\"(?P<value>[^\"\n]{16,512}+)\"")


_PROPERTIES_KEYS = frozenset(("clientSecret", "templateId"))  # what `_properties_hits` looks for


def _may_hold(source: Any, keys: frozenset[str]) -> bool:
    """Whether an object of a parsed file may have one of `keys`: the parser gathers every object
    key of the file (None when it did not parse it)."""
    found = getattr(source, "keys", None)
    return found is None or not keys.isdisjoint(found)


def _text_hits(role: str, text: str) -> Iterator[_Hit]:
    for m in find_secrets(text):
        line, col = text_position(text, m.start)
        yield _Hit(m.kind, m.label, role, line=line, column=col)
    if role == "script":
        for m in _SCRIPT_ASSIGN.finditer(text):
            name, value = m.group("name").strip('"'), m.group("value")
            if secret_name(name) and looks_like_key(value):
                line, col = text_position(text, m.start("value"))
                hit = _literal_hit(value, f"assigned to {name!r}", role, line=line, column=col)
                if hit is not None:
                    yield hit


@Index.fact("secrets")
def package_secrets(ctx: "Package") -> list[_Hit]:
    """Every credential found in the package's text files, each file scanned once."""
    hits: list[_Hit] = []
    for role, source in sorted(ctx.files.items()):
        if role == "icon":
            continue
        value = getattr(source, "value", None)
        text = getattr(source, "text", None)
        if role in ("swagger", "properties", "settings") and isinstance(value, (dict, list)):
            hits.extend(_shape_hits(role, value, text))
            if _may_hold(source, _VALUE_KEY_SET):
                hits.extend(_swagger_value_hits(ctx) if role == "swagger" else _json_value_hits(role, value))
            if role == "properties" and _may_hold(source, _PROPERTIES_KEYS):
                hits.extend(_properties_hits(value))
        elif isinstance(text, str):
            hits.extend(_text_hits(role, text))
    return hits


class _SecretRule(Rule):
    category = "Secrets"
    origin = "pbxconn"
    severity = Severity.ERROR
    subject = "package"
    kind = ""

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per credential of this rule's kind."""
        for hit in ctx.index.secrets:
            if hit.kind == self.kind:
                yield Violation(args={"what": hit.label}, pointer=hit.pointer, file=hit.file,  # type: ignore[arg-type]
                                line=hit.line, column=hit.column, severity=hit.severity)


@register
class HardcodedBearerToken(_SecretRule):
    """A bearer token (JWT or opaque) written into a package file.

    What it does: finds JSON Web Tokens (`eyJ...` three-part tokens) and `Bearer <token>`
    values with a random-looking token in any text file of the package.

    Why it matters: the package is published and deployed widely; a token in it lets anyone
    call the service as its owner until it expires or is revoked.

    Fix: revoke the token, remove it, and let the connection supply credentials.
    """

    message = "{what} is written into the package"
    kind = "bearer"


@register
class HardcodedPrivateKey(_SecretRule):
    """A private key block written into a package file.

    What it does: finds `-----BEGIN ... PRIVATE KEY-----` blocks with key material.

    Why it matters: a private key in a published package is compromised; anything it signs or
    decrypts can be forged or read.

    Fix: revoke and replace the key; keep keys in the connection or a key vault.
    """

    message = "{what} is written into the package"
    kind = "private-key"


@register
class HardcodedAccessKey(_SecretRule):
    """A cloud or SaaS access key in a recognisable provider format.

    What it does: finds AWS access key ids, GitHub and Slack tokens, Google API keys, Stripe
    live keys, OpenAI keys and Azure storage account keys / SAS signatures.

    Why it matters: these formats exist so that leaked keys can be recognised; a key in a
    published package gives access to the account it belongs to.

    Fix: revoke the key and remove it from the package.
    """

    message = "{what} is written into the package"
    kind = "access-key"


@register
class HardcodedApiKey(_SecretRule):
    """A literal API key, token or password in a secret field, where the connection should supply it.

    What it does: reports random-looking literal values (16+ characters, letters and digits,
    high entropy, not a placeholder) in the `default`, `x-example`, `example` or
    `x-ms-test-value` of a parameter or property whose name says it is a credential
    (api key, token, secret, password, authorization...), in the value of a setheader /
    setqueryparameter policy that sets such a header, and in script.csx string literals
    assigned to such names. Both are needed: the value's randomness and the field being a
    secret. Names that only contain "key" or "token" as identifiers, cursors or metadata
    (pageToken, idempotency-key, partition_key, public_key, tokenType, apiKeyName) are not
    secret fields.

    Why it matters: a default is sent by every connection; an example or test value is shown
    to every user. Either way the key leaks with the package.

    Fix: remove the value (use a placeholder such as `YOUR_API_KEY` in examples) and let the
    connection parameter carry the key.

    Identifiers are not credentials: a hex string shorter than 32 digits (a 64-bit id, a 24-digit
    ObjectId) is never reported, and a GUID only as a warning. GUIDs are how Microsoft and most
    services name tenants, applications (client ids), subscriptions and records, and examples
    use them for exactly those; a GUID that really is a key (a few services issue them) cannot be
    told from an id by its value, so it is shown without stopping a release. Longer hex strings
    stay errors in a secret field: many services issue 32- or 40-digit hex keys.
    """

    message = "{what} is written into the package"
    kind = "api-key"


@register
class HardcodedClientSecret(_SecretRule):
    """An OAuth client secret in apiProperties.json.

    What it does: reports a non-empty `oAuthSettings.clientSecret` that is not a placeholder.

    Why it matters: Microsoft's submission rules require dummy values here: the real secret is
    entered privately during certification, and a published one lets anyone impersonate the app.

    Fix: rotate the secret at the identity provider and replace the value with a placeholder.
    """

    message = "{what} is written into the package"
    kind = "client-secret"
