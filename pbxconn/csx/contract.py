"""What the Power Platform custom-code host promises a script: namespaces, size, entry point."""

from __future__ import annotations

# The namespaces Microsoft's "Write code in a custom connector" page lists as supported. The host
# imports them for every script (most published scripts have no `using` directive at all).
SUPPORTED_NAMESPACES: tuple[str, ...] = (
    "System",
    "System.Collections",
    "System.Collections.Generic",
    "System.Diagnostics",
    "System.IO",
    "System.IO.Compression",
    "System.Linq",
    "System.Net",
    "System.Net.Http",
    "System.Net.Http.Headers",
    "System.Net.Security",
    "System.Security.Authentication",
    "System.Security.Cryptography",
    "System.Text",
    "System.Text.RegularExpressions",
    "System.Threading",
    "System.Threading.Tasks",
    "System.Web",
    "System.Xml",
    "System.Xml.Linq",
    "System.Drawing",
    "System.Drawing.Drawing2D",
    "System.Drawing.Imaging",
    "Microsoft.Extensions.Logging",
    "Newtonsoft.Json",
    "Newtonsoft.Json.Linq",
)

# Where the host's own types (ScriptBase, IScriptContext) live; a few Microsoft-authored scripts
# import it explicitly, so it is accepted as well.
HOST_NAMESPACE = "Microsoft.PowerPlatform.Connectors.CustomCode.CSharp"

# Custom code must be smaller than 1 MB (Microsoft's documented limit).
MAX_SCRIPT_BYTES = 1024 * 1024

SCRIPT_CLASS = "Script"
SCRIPT_BASE = "ScriptBase"
ENTRY_METHOD = "ExecuteAsync"


def namespace_supported(name: str) -> bool:
    """True when a `using` directive may import `name` in a connector script."""
    return name in SUPPORTED_NAMESPACES or name == HOST_NAMESPACE
