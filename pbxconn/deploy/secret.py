"""The OAuth client secret that paconn create/update need, kept out of everything pbxconn shows.

paconn 0.0.21 takes the secret only as `--secret VALUE` (`-r`) and copies it into
`oAuthSettings.clientSecret` of the connection parameter named `token`, in
`connectionParameters` and in each `connectionParameterSets.values[].parameters`; `create`
refuses to run without it. It has no environment variable or settings key for it.

- The secret comes from an environment variable (`PBXCONN_OAUTH_CLIENT_SECRET`, or the one
  `--secret-env` names) or, on a terminal, from a prompt that does not echo; never from a
  command-line value of pbxconn.
- paconn's argument parser (knack) replaces an argument `@FILE` by the file's content, so on
  POSIX pbxconn passes the single argument `@/dev/stdin` and writes `--secret=VALUE` to
  paconn's stdin (a pipe): the secret is neither on a command line that `ps` shows nor in a
  file. (`--secret=` keeps a secret that starts with `-` or `@` from being misread.) Windows
  has no /dev/stdin; there the secret goes on paconn's command line.
- Whatever pbxconn prints (the dry-run command, errors, paconn's output) shows `***` instead.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping

from pbxconn.core.errors import InputError, PbxconnError

SECRET_ENV = "PBXCONN_OAUTH_CLIENT_SECRET"
MASK = "***"
SECRET_OPTION = "--secret"
STDIN_FILE_ARG = "@/dev/stdin"
# The connection parameter paconn fills with the secret (and the name the platform expects).
TOKEN_PARAMETER = "token"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class MissingSecretError(PbxconnError):
    """No OAuth client secret could be had, or it is unusable; exit code 2."""


@dataclass(frozen=True)
class OAuthClient:
    """One OAuth connection parameter that paconn gives the client secret to."""

    where: str  # e.g. "connectionParameters.token"
    client_id: str


@dataclass(frozen=True)
class Secret:
    """The client secret and where it came from; prints as `***`, its value never in a repr."""

    value: str = field(repr=False)
    env_name: str = ""  # the variable it came from; "" when it was typed at the prompt

    def __str__(self) -> str:
        return MASK

    @property
    def source(self) -> str:
        """`$NAME` or `the prompt`, for messages."""
        return f"${self.env_name}" if self.env_name else "the prompt"


def _parameter_maps(properties: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(location, connection parameters) of `connectionParameters` and of each parameter set."""
    found: list[tuple[str, Mapping[str, Any]]] = []
    direct = properties.get("connectionParameters")
    if isinstance(direct, dict):
        found.append(("connectionParameters", direct))
    sets = properties.get("connectionParameterSets")
    values = sets.get("values") if isinstance(sets, dict) else None
    for index, entry in enumerate(values if isinstance(values, list) else ()):
        params = entry.get("parameters") if isinstance(entry, dict) else None
        if isinstance(params, dict):
            found.append((f"connectionParameterSets.values[{index}].parameters", params))
    return found


def oauth_clients(properties: Mapping[str, Any]) -> list[OAuthClient]:
    """The OAuth clients paconn fills with the secret (and for which create requires it)."""
    clients = []
    for where, params in _parameter_maps(properties):
        param = params.get(TOKEN_PARAMETER)
        settings = param.get("oAuthSettings") if isinstance(param, dict) else None
        if isinstance(settings, dict) and settings:
            clients.append(OAuthClient(f"{where}.{TOKEN_PARAMETER}", str(settings.get("clientId") or "")))
    return clients


def oauth_problems(properties: Mapping[str, Any]) -> list[str]:
    """OAuth connection parameters paconn would send without the client secret."""
    problems = []
    for where, params in _parameter_maps(properties):
        for name, param in params.items():
            if not isinstance(param, dict):
                continue
            is_oauth = param.get("type") == "oauthSetting" or "oAuthSettings" in param
            if is_oauth and name != TOKEN_PARAMETER:
                problems.append(f"{where}.{name} is an OAuth parameter, but paconn passes the client secret "
                                f"only to one named {TOKEN_PARAMETER!r} (the name the Power Platform expects)")
            elif is_oauth and not (isinstance(param.get("oAuthSettings"), dict) and param["oAuthSettings"]):
                problems.append(f"{where}.{name} is an oauthSetting without oAuthSettings; "
                                "paconn has nowhere to put the client secret")
    return problems


def check_env_name(name: str) -> str:
    """`name` if it can be an environment variable's name; InputError otherwise."""
    if not _ENV_NAME.match(name):
        raise InputError(f"--secret-env {name!r} is not an environment variable name "
                         f"(letters, digits and _, e.g. {SECRET_ENV})")
    return name


def _stdin_is_terminal() -> bool:
    """Whether a prompt can be answered (stdin is a terminal)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _ask(prompt: str, env_name: str) -> str:
    """Read the secret without echo ('' at end of input); refuse rather than fall back to a
    prompt that echoes."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            return getpass.getpass(prompt)
        except EOFError:
            return ""
        except getpass.GetPassWarning:
            raise MissingSecretError(f"cannot read the OAuth client secret without echoing it; "
                                     f"set {env_name} instead") from None


def _checked(value: str, source: str) -> str:
    """The secret, unless it is one paconn cannot be given unchanged."""
    if "\n" in value or "\r" in value:
        raise MissingSecretError(f"the OAuth client secret from {source} contains a line break; "
                                 "give the secret alone")
    return value


def resolve_secret(env_name: str, what: str, *, environ: Mapping[str, str] | None = None,
                   interactive: bool | None = None) -> Secret:
    """The secret from $env_name, else from a hidden prompt on a terminal; raises
    MissingSecretError (exit 2) naming the variable when neither gives one."""
    environ = os.environ if environ is None else environ
    value = environ.get(env_name, "")
    if value:
        return Secret(_checked(value, f"${env_name}"), env_name)
    interactive = _stdin_is_terminal() if interactive is None else interactive
    if interactive:
        value = _ask(f"OAuth client secret for {what} (input hidden): ", env_name)
        if not value:
            raise MissingSecretError(f"no OAuth client secret entered; {what} needs one (or set {env_name})")
        return Secret(_checked(value, "the prompt"))
    raise MissingSecretError(f"{what} needs its OAuth client secret: set {env_name} "
                             "(or run pbxconn deploy on a terminal to be asked for it)")


def secret_transport(secret: Secret, *, posix: bool | None = None) -> tuple[list[str], str | None]:
    """(arguments for paconn, text for its stdin) that hand it the secret; see the module doc."""
    posix = os.name != "nt" if posix is None else posix
    if posix:
        return [STDIN_FILE_ARG], f"{SECRET_OPTION}={secret.value}"
    return [f"{SECRET_OPTION}={secret.value}"], None


def masked_arguments() -> list[str]:
    """How the secret arguments appear in anything pbxconn prints."""
    return [SECRET_OPTION, MASK]


def mask(text: str, secret: Secret | None) -> str:
    """`text` with every occurrence of the secret, as is or JSON-escaped, replaced by `***`."""
    if secret is None or not secret.value:
        return text
    for form in sorted({secret.value, json.dumps(secret.value)[1:-1]}, key=len, reverse=True):
        text = text.replace(form, MASK)
    return text


def without_secret_env(environ: Mapping[str, str], secret: Secret) -> dict[str, str]:
    """A child environment without the secret's variable (paconn is handed the secret otherwise)."""
    return {k: v for k, v in environ.items() if not secret.env_name or k != secret.env_name}
