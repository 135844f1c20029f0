"""Find and run Microsoft's `paconn` so that its traps do not reach the user.

- It runs in a private, empty working directory: after `create` paconn writes `settings.json`
  into its current directory and, if one exists, asks on the terminal before overwriting.
- stdin is closed (or, with an OAuth client secret, a pipe at its end once paconn has read the
  secret; see `pbxconn.deploy.secret`), so any prompt fails at once instead of hanging.
- An HTTP error whose body is not JSON crashes paconn with a JSONDecodeError traceback; a
  server it cannot reach, with a ConnectionError traceback. `failure_message` turns its output
  into one line that says what happened.
- `paconn validate` exits 0 even when the server reports problems; `remote_verdict` reads them.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from pbxconn.core.errors import PbxconnError, ToolMissingError
from pbxconn.core.exitcodes import ExitCode

INSTALL_HINT = "install it with `pip install 'pbxconn[deploy]'` (or `pip install paconn`)"
# Set to a command line (e.g. "/opt/paconn/bin/paconn") to use a specific paconn.
PACONN_ENV = "PBXCONN_PACONN"
DEFAULT_TIMEOUT = 300.0

# Which paconn step a traceback frame belongs to (function names in paconn's powerappsrp.py).
_STEPS = {
    "validate_connector": "validateApiSwagger",
    "generate_resource_storage": "generateResourceStorage",
    "create_connector": "create (POST apis)",
    "update_connector": "update (PATCH apis/{id})",
    "get_connector": "GET apis/{id}",
    "upload_file": "blob upload of the icon or script",
}


class PaconnFailedError(PbxconnError):
    """paconn ran and failed (the server refused, or paconn crashed); exit code 1.

    `details` is paconn's own output without tracebacks, for the user to read above the message.
    """

    exit_code = ExitCode.FINDINGS

    def __init__(self, message: str, *, location: str = "", hint: str = "", details: str = "") -> None:
        super().__init__(message, location=location, hint=hint)
        self.details = details


@dataclass(frozen=True)
class PaconnResult:
    """One finished paconn run."""

    argv: tuple[str, ...]
    cwd: Path
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """stdout and stderr together (paconn prints its messages on stderr)."""
        return (self.stdout + "\n" + self.stderr).strip()


def find_paconn(environ: Mapping[str, str] | None = None, python: str | None = None) -> list[str]:
    """The command that runs paconn: $PBXCONN_PACONN, else the `paconn` script beside this
    Python (same virtual environment), else `paconn` on PATH. Raises ToolMissingError."""
    environ = os.environ if environ is None else environ
    python = python or sys.executable
    override = environ.get(PACONN_ENV, "").strip()
    if override:
        argv = shlex.split(override)
        if shutil.which(argv[0], path=environ.get("PATH")) is None and not Path(argv[0]).is_file():
            raise ToolMissingError(f"{PACONN_ENV}={override!r} does not name a program", hint=INSTALL_HINT)
        return argv
    beside = Path(python).parent / ("paconn.exe" if os.name == "nt" else "paconn")
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("paconn", path=environ.get("PATH"))
    if found:
        return [found]
    raise ToolMissingError("paconn (Microsoft's Power Platform Connectors CLI) is not installed",
                           hint=INSTALL_HINT)


def display_command(argv: list[str] | tuple[str, ...], cwd: Path) -> str:
    """The shell line that reproduces a run: `cd DIR && paconn ...`."""
    return f"cd {shlex.quote(str(cwd))} && {shlex.join(argv)}"


def run_paconn(argv: list[str], cwd: Path, timeout: float = DEFAULT_TIMEOUT,
               environ: Mapping[str, str] | None = None, stdin_text: str | None = None) -> PaconnResult:
    """Run paconn in `cwd` with stdin closed, or a pipe holding only `stdin_text` (then at its
    end, so a prompt still fails at once); never raises for a non-zero exit."""
    env = dict(os.environ if environ is None else environ)
    env.setdefault("PYTHONIOENCODING", "utf-8")
    stdin = {"stdin": subprocess.DEVNULL} if stdin_text is None else {"input": stdin_text}
    try:
        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=timeout, **stdin)
    except FileNotFoundError:
        raise ToolMissingError(f"cannot run {argv[0]}", hint=INSTALL_HINT) from None
    except subprocess.TimeoutExpired:
        raise PaconnFailedError(f"paconn did not finish within {timeout:.0f} s",
                                location=display_command(argv, cwd)) from None
    return PaconnResult(tuple(argv), cwd, proc.returncode, proc.stdout or "", proc.stderr or "")


def failure_message(result: PaconnResult) -> str:
    """One line saying why a paconn run failed, with the server's own message when it sent one."""
    text = result.output
    step = _failed_step(text)
    at = f" at {step}" if step else ""
    last = _last_exception(text)
    if "JSONDecodeError" in last and "apimanager.py" in text:
        return (f"the Power Apps service answered{at} with an HTTP error whose body is not JSON "
                "(a gateway or proxy page?); paconn cannot show it")
    if "ConnectionError" in last or "NewConnectionError" in last:
        host = re.search(r"host='([^']+)', port=(\d+)", last)
        where = f"{host.group(1)}:{host.group(2)}" if host else "the service"
        return f"cannot reach {where}{at}: {_reason(last)}"
    if "SSLError" in text or "CERTIFICATE_VERIFY_FAILED" in text:
        return f"TLS certificate not trusted{at} (set REQUESTS_CA_BUNDLE for a private CA)"
    if "NoTTYException" in text:
        return "paconn wanted to ask a question on the terminal" + at
    server = server_error(text)
    status = re.search(r"ERROR: (\d{3} [^\n]*?)(?: for url: (\S+))?$", text, re.M)
    if status:
        what = status.group(1).strip()
        return f"{what}{at}" + (f": {server}" if server else "")
    errors = [line[len("ERROR: "):] for line in text.splitlines() if line.startswith("ERROR: ")]
    if errors:
        return errors[-1]
    return last or f"paconn exited with code {result.returncode}"


def server_error(text: str) -> str:
    """The message of the JSON error body paconn printed (`error.message`), or ''."""
    start = text.find("{")
    while start != -1:
        try:
            body, _ = json.JSONDecoder().raw_decode(text[start:])
        except ValueError:
            start = text.find("{", start + 1)
            continue
        if isinstance(body, dict):
            error = body.get("error", body)
            if isinstance(error, dict):
                parts = [str(error[k]) for k in ("code", "message") if error.get(k)]
                if parts:
                    return ": ".join(parts)
            return json.dumps(body)[:300]
        start = text.find("{", start + 1)
    return ""


def remote_verdict(result: PaconnResult) -> list[str]:
    """The problems `paconn validate` printed (it exits 0 either way); [] when it passed."""
    lines = [line.strip() for line in result.output.splitlines() if line.strip()]
    if any(line.endswith("validated successfully.") for line in lines):
        return []
    return lines


def created_connector_id(result: PaconnResult) -> str:
    """The connector id of a successful `paconn create` (from the settings.json it wrote)."""
    written = result.cwd / "settings.json"
    if written.is_file():
        try:
            connector_id = json.loads(written.read_text(encoding="utf-8")).get("connectorId")
        except ValueError:
            connector_id = None
        if isinstance(connector_id, str) and connector_id:
            return connector_id
    match = re.search(r"^(\S+) created successfully\.$", result.output, re.M)
    if match:
        return match.group(1)
    raise PaconnFailedError("paconn create succeeded but reported no connector id",
                            location=display_command(result.argv, result.cwd))


def _failed_step(text: str) -> str:
    """The last paconn RP step named in a traceback, or ''."""
    found = ""
    for name in re.findall(r", in (\w+)\n", text):
        found = _STEPS.get(name, found)
    if not found:
        url = re.search(r"for url: \S*/(validateApiSwagger|generateResourceStorage|apis\S*)", text)
        if url:
            found = url.group(1).split("?")[0]
    return found


def _last_exception(text: str) -> str:
    """The final `module.Error: message` line of a traceback, or ''."""
    lines = [line for line in text.splitlines() if re.match(r"^[\w.]+(Error|Exception)\b.*:", line)]
    return lines[-1] if lines else ""


def _reason(line: str) -> str:
    """The human part of a urllib3 connection error."""
    match = re.search(r"\[Errno -?\d+\] ([^'\"\)]+)", line)
    return match.group(1).strip() if match else line.split(":", 1)[-1].strip()[:200]


def transcript(result: PaconnResult) -> str:
    """paconn's output without Python tracebacks (their last line is kept)."""
    out: list[str] = []
    in_traceback = False
    for line in result.output.splitlines():
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
            continue
        if in_traceback:
            if line.startswith((" ", "\t")) or not line.strip() or line.startswith("During handling"):
                continue
            in_traceback = False
        out.append(line)
    return "\n".join(out).strip()
