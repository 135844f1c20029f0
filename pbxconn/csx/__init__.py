"""Connector custom code (script.csx): parse it, compile it with Mono, run it locally.

- `parse`     tree-sitter C# parse tree and the facts the static checks need
- `language`  which mcs errors come from C# newer than Mono's compiler, which are genuine
- `compile`   the mcs driver: the project's ScriptBase stub + the script (+ the local host)
- `connector` the connector folder: script, definition, properties, problems loading them
- `samples`   plausible requests and service answers made from the definition
- `behaviour` the `pbxconn` checks of a compiled script against canned service responses
- `generic`   the `generic` checks: every handled operation answers, within 5 seconds
- `profiles`  which checks run on a connector (`generic` / `pbxconn`, auto from its location)
- `runner`    `csx test`: compile, run a profile's checks, report
- `runtime`   a loopback proxy that presents a connector's operations and runs its script

The supported namespaces and the contract live in `pbxconn.csx.contract`.
"""
