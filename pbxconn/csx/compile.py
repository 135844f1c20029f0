"""Compile a connector script with Mono's C# compiler (mcs) against the project's ScriptBase stub.

The script is compiled as the service sees it: the supported namespaces and the host namespace
are imported implicitly (a prelude, then `#line 1` so diagnostics point into script.csx). Mono
lacks a few assemblies the service has (System.Web, System.Drawing on a minimal install), and
mcs stops at C# 7.x; scripts that need either are reported as "not checkable locally", which is
not an error in the script.

Outputs are cached per content hash under $XDG_CACHE_HOME/pbxconn/csx (or ~/.cache).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Literal, Sequence

from pbxconn.core.errors import ToolMissingError
from pbxconn.csx.contract import HOST_NAMESPACE, SUPPORTED_NAMESPACES
from pbxconn.csx.language import NEWER_LANGUAGE_CODES, describe, judge
from pbxconn.csx.parse import parse_script

HERE = Path(__file__).resolve().parent
STUB_DIR = HERE / "stub"
HARNESS_DIR = HERE / "harness"
SCRIPT_NAME = "script.csx"

INSTALL_HINT = (
    "install Mono: apt-get install mono-mcs mono-runtime libmono-system-net-http4.0-cil "
    "libnewtonsoft-json5.0-cil"
)

# Assemblies of the service's framework to reference when Mono has them (file names in the
# Mono profile directory). System.Net.Http and Newtonsoft.Json are required.
OPTIONAL_ASSEMBLIES = (
    "System.Core.dll", "System.Xml.dll", "System.Xml.Linq.dll", "System.Runtime.Serialization.dll",
    "System.Numerics.dll", "Microsoft.CSharp.dll", "System.Web.dll", "System.Drawing.dll",
    "System.IO.Compression.dll", "System.Net.Http.WebRequest.dll",
)
NEWTONSOFT_CANDIDATES = (
    "/usr/lib/cli/Newtonsoft.Json-5.0/Newtonsoft.Json.dll",
    "/usr/lib/mono/gac/Newtonsoft.Json/*/Newtonsoft.Json.dll",
    "/usr/lib/mono/4.5/Newtonsoft.Json.dll",
    "/usr/local/lib/mono/gac/Newtonsoft.Json/*/Newtonsoft.Json.dll",
)
# Types a script may use from assemblies a minimal Mono lacks, and the assembly they need.
MISSING_ASSEMBLY_TYPES = {
    "HttpUtility": "System.Web", "HttpServerUtility": "System.Web", "MimeMapping": "System.Web",
    "Bitmap": "System.Drawing", "Image": "System.Drawing", "Graphics": "System.Drawing",
    "Color": "System.Drawing", "ImageFormat": "System.Drawing", "ZipArchive": "System.IO.Compression",
    "ZipArchiveEntry": "System.IO.Compression", "ZipArchiveMode": "System.IO.Compression",
}

DIAGNOSTIC = re.compile(
    r"^(?P<file>.*?)\((?P<line>\d+),(?P<column>\d+)\): (?P<severity>error|warning) (?P<code>CS\d+): (?P<message>.*)$")
BARE_DIAGNOSTIC = re.compile(r"^(?P<severity>error|warning) (?P<code>CS\d+): (?P<message>.*)$")

Status = Literal["compiled", "error", "not-checkable"]


@dataclass(frozen=True, slots=True)
class Toolchain:
    """Mono's compiler and runtime, and the assemblies a script is compiled against."""

    mcs: str
    mono: str
    references: tuple[str, ...]

    def key(self) -> str:
        """Part of the cache key: changes when the toolchain changes."""
        return "|".join((self.mcs, self.mono) + self.references)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One compiler message; `file` is 'script.csx' for the script, else the stub/host file."""

    file: str
    line: int
    column: int
    severity: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: " if self.line else (f"{self.file}: " if self.file else "")
        return f"{where}{self.severity} {self.code}: {self.message}"


@dataclass(slots=True)
class CompileResult:
    """The outcome: compiled (with `output`), an error in the script, or not checkable locally."""

    status: Status
    diagnostics: list[Diagnostic] = field(default_factory=list)
    output: Path | None = None
    reason: str = ""
    newer: str = ""  # the C# newer than 7 the script uses, e.g. "C# 8 using declarations (line 12)"

    @property
    def errors(self) -> list[Diagnostic]:
        """The error diagnostics only."""
        return [d for d in self.diagnostics if d.severity == "error"]


def find_toolchain() -> Toolchain:
    """Locate mcs, mono and the reference assemblies, or raise ToolMissingError with the fix."""
    mcs, mono = shutil.which("mcs"), shutil.which("mono")
    if not mcs or not mono:
        missing = " and ".join(n for n, p in (("mcs", mcs), ("mono", mono)) if not p)
        raise ToolMissingError(f"{missing} not found; custom code cannot be compiled locally", hint=INSTALL_HINT)
    return _references(mcs, mono)


@lru_cache(maxsize=4)
def _references(mcs: str, mono: str) -> Toolchain:
    profile = _profile_dir(mono)
    refs: list[str] = []
    http = profile / "System.Net.Http.dll"
    if not http.is_file():
        raise ToolMissingError(f"System.Net.Http.dll not found in {profile}", hint=INSTALL_HINT)
    refs.append(str(http))
    refs.extend(str(profile / name) for name in OPTIONAL_ASSEMBLIES if (profile / name).is_file())
    newtonsoft = _newtonsoft()
    if newtonsoft is None:
        raise ToolMissingError("Newtonsoft.Json.dll not found", hint=INSTALL_HINT)
    refs.append(newtonsoft)
    return Toolchain(mcs, mono, tuple(refs))


def _profile_dir(mono: str) -> Path:
    prefix = Path(os.path.realpath(mono)).parent.parent
    for candidate in (prefix / "lib" / "mono" / "4.5", Path("/usr/lib/mono/4.5")):
        if (candidate / "mscorlib.dll").is_file():
            return candidate
    raise ToolMissingError(f"Mono's 4.5 profile not found under {prefix}/lib/mono", hint=INSTALL_HINT)


def _newtonsoft() -> str | None:
    from glob import glob

    for pattern in NEWTONSOFT_CANDIDATES:
        hits = sorted(glob(pattern))
        if hits:
            return hits[-1]
    return None


def parse_diagnostics(text: str) -> list[Diagnostic]:
    """Read mcs output lines into Diagnostics (others are ignored)."""
    out: list[Diagnostic] = []
    for raw in text.splitlines():
        line = raw.strip()
        match = DIAGNOSTIC.match(line)
        if match:
            out.append(Diagnostic(Path(match["file"]).name, int(match["line"]), int(match["column"]),
                                  match["severity"], match["code"], match["message"]))
            continue
        match = BARE_DIAGNOSTIC.match(line)
        if match:
            out.append(Diagnostic("", 0, 0, match["severity"], match["code"], match["message"]))
    return out


@lru_cache(maxsize=4)
def available_namespaces(toolchain: Toolchain) -> tuple[str, ...]:
    """The supported namespaces that resolve with this Mono install (probed once)."""
    candidates = [n for n in SUPPORTED_NAMESPACES if n != "Microsoft.Extensions.Logging"]
    with tempfile.TemporaryDirectory(prefix="pbxconn-csx-probe-") as tmp:
        probe = Path(tmp) / "probe.cs"
        probe.write_text("".join(f"using {n};\n" for n in candidates) + "class Probe {}\n", encoding="utf-8")
        proc = subprocess.run(
            [toolchain.mcs, "-target:library", "-nologo", f"-out:{Path(tmp) / 'probe.dll'}",
             *(f"-r:{r}" for r in toolchain.references), str(probe)],
            capture_output=True, text=True, timeout=60)
    bad = {d.line for d in parse_diagnostics(proc.stdout + proc.stderr) if d.severity == "error"}
    return tuple(n for i, n in enumerate(candidates, start=1) if i not in bad) + ("Microsoft.Extensions.Logging",)


def prelude(toolchain: Toolchain) -> str:
    """The implicit imports placed before the script, ending with `#line 1` into script.csx."""
    lines = [f"using {n};" for n in available_namespaces(toolchain)]
    lines.append(f"using {HOST_NAMESPACE};")
    lines.append(f'#line 1 "{SCRIPT_NAME}"')
    return "\n".join(lines) + "\n"


def host_sources() -> list[Path]:
    """The C# files of the local host (behaviour tests and the loopback proxy)."""
    return sorted(HARNESS_DIR.glob("*.cs"))


def stub_sources() -> list[Path]:
    """The C# files of the ScriptBase / IScriptContext stub."""
    return sorted(STUB_DIR.glob("*.cs"))


def cache_root() -> Path:
    """Where compiled outputs are kept (per content hash)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pbxconn" / "csx"


def compile_script(script_text: str, *, host: bool = True, toolchain: Toolchain | None = None,
                   cache: bool = True) -> CompileResult:
    """Compile script text with the stub (and, with `host`, the local host exe); classify the result."""
    toolchain = toolchain or find_toolchain()
    text = script_text.lstrip("\ufeff")
    extra = host_sources() if host else []
    sources = stub_sources() + extra
    digest = hashlib.sha256()
    digest.update(toolchain.key().encode())
    digest.update(prelude(toolchain).encode())
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(b"\0script\0" + text.encode("utf-8"))
    key = digest.hexdigest()[:24]
    out_name = "host.exe" if host else "script.dll"
    target_dir = cache_root() / key
    if cache and (target_dir / out_name).is_file():
        return CompileResult("compiled", _read_log(target_dir), target_dir / out_name)

    if cache:
        cache_root().mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".build-", dir=cache_root() if cache else None))
    try:
        proc = _mcs(toolchain, text, sources, stage / out_name, host)
        log = proc.stdout + proc.stderr
        diagnostics = parse_diagnostics(log)
        (stage / "mcs.log").write_text(log, encoding="utf-8")
        if proc.returncode == 0 and (stage / out_name).is_file():
            for ref in toolchain.references:
                if "Newtonsoft" in ref:
                    shutil.copy2(ref, stage / Path(ref).name)
            if not cache:
                return CompileResult("compiled", diagnostics, stage / out_name)
            try:
                os.replace(stage, target_dir)
            except OSError:  # another process compiled the same thing first
                shutil.rmtree(stage, ignore_errors=True)
            return CompileResult("compiled", diagnostics, target_dir / out_name)
        shutil.rmtree(stage, ignore_errors=True)
        return classify_failure(text, diagnostics, recompile=lambda variant: _script_errors(variant, toolchain))
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _mcs(toolchain: Toolchain, text: str, sources: Sequence[Path], output: Path,
         host: bool) -> subprocess.CompletedProcess:
    """Run mcs on the prelude + `text` and `sources`, writing `output`."""
    script_file = output.parent / "script.cs"
    script_file.write_text(prelude(toolchain) + text, encoding="utf-8")
    args = [toolchain.mcs, "-nologo", "-debug-", "-optimize+", "-nowarn:105,1998",
            "-target:exe" if host else "-target:library", f"-out:{output}",
            *(f"-r:{r}" for r in toolchain.references), *map(str, sources), str(script_file)]
    return subprocess.run(args, capture_output=True, text=True, timeout=180)


def _script_errors(text: str, toolchain: Toolchain) -> list[Diagnostic]:
    """The errors mcs reports in `text` compiled as a library against the stub (nothing kept)."""
    with tempfile.TemporaryDirectory(prefix="pbxconn-csx-variant-") as tmp:
        proc = _mcs(toolchain, text, stub_sources(), Path(tmp) / "script.dll", host=False)
    return [d for d in parse_diagnostics(proc.stdout + proc.stderr) if d.severity == "error" and d.file == SCRIPT_NAME]


def _read_log(directory: Path) -> list[Diagnostic]:
    log = directory / "mcs.log"
    return parse_diagnostics(log.read_text(encoding="utf-8")) if log.is_file() else []


def classify_failure(text: str, diagnostics: Sequence[Diagnostic],
                     recompile: Callable[[str], Sequence[Diagnostic]] | None = None) -> CompileResult:
    """Tell an error in the script from what Mono cannot check (newer C#, absent assemblies).

    A script using C# 8+ is not checkable when every mcs error follows from that syntax; when mcs
    also reports an error that does not (a genuine C# 7 error elsewhere), the result is an error
    listing only those. `recompile` compiles a variant of the script (see `language.judge`)."""
    errors = [d for d in diagnostics if d.severity == "error"]
    in_script = [d for d in errors if d.file == SCRIPT_NAME]
    outside = [d for d in errors if d.file != SCRIPT_NAME]
    if outside and not in_script:
        # Not the script's fault: the stub or host failed (e.g. a script type clashing with them).
        return CompileResult("error", list(diagnostics), reason="the local host did not compile: " + str(outside[0]))
    parsed = parse_script(text)
    verdict = judge(parsed, in_script, recompile)
    genuine = list(verdict.genuine)
    newer_code = next((d for d in in_script if d.code in NEWER_LANGUAGE_CODES), None)
    if not genuine and not parsed.syntax_errors and (verdict.features or newer_code):
        what = describe(verdict.features) if verdict.features else \
            f"C# newer than 7 (line {newer_code.line}: {newer_code.message})"
        return CompileResult("not-checkable", list(diagnostics),
                             reason=f"uses {what}, newer than Mono's C# 7 compiler", newer=what)
    newtonsoft = next((d for d in genuine if d.code in ("CS1061", "CS0117", "CS1501")
                       and "`Newtonsoft.Json" in d.message), None)
    if newtonsoft is not None:
        return CompileResult("not-checkable", list(diagnostics),
                             reason=f"uses Newtonsoft.Json API newer than the local Newtonsoft.Json: {newtonsoft}")
    missing = _missing_assembly(genuine, parsed)
    if missing:
        return CompileResult("not-checkable", list(diagnostics),
                             reason=f"needs {missing}, which this Mono installation lacks")
    if not verdict.features:
        return CompileResult("error", list(diagnostics), reason=str(in_script[0]) if in_script else "mcs failed")
    shown = genuine or in_script
    newer = describe(verdict.features)
    return CompileResult("error", [*shown, *(d for d in diagnostics if d.severity != "error")],
                         reason=f"{shown[0]} (the script also uses {newer}, which Mono cannot check)", newer=newer)


def _missing_assembly(errors: Sequence[Diagnostic], parsed: object) -> str:
    for diag in errors:
        if diag.code not in ("CS0103", "CS0246", "CS0234"):
            continue
        for name, assembly in MISSING_ASSEMBLY_TYPES.items():
            if f"`{name}'" in diag.message or f"`{assembly}" in diag.message:
                return assembly
        match = re.search(r"name `(\w+)' does not exist in the namespace `([\w.]+)'", diag.message)
        if match:
            full = f"{match.group(2)}.{match.group(1)}"
            for assembly in set(MISSING_ASSEMBLY_TYPES.values()):
                if full == assembly or full.startswith(assembly + "."):
                    return assembly
    return ""
