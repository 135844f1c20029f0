"""Connector custom code (script.csx): parse it, compile it with Mono, run it locally.

- `parse`    tree-sitter C# parse tree and the facts the static checks need
- `compile`  the mcs driver: the project's ScriptBase stub + the script (+ the local host)
- `behaviour` behaviour tests of a compiled script against canned service responses
- `runtime`  a loopback proxy that presents a connector's operations and runs its script

The supported namespaces and the contract live in `pbxconn.csx.contract`.
"""
