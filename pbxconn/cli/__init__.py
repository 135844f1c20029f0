"""The `pbxconn` command: a root group whose sub-commands are imported only when used."""

from __future__ import annotations

import importlib
import sys
import traceback

import click

from pbxconn import __version__
from pbxconn.core.errors import PbxconnError
from pbxconn.core.exitcodes import ExitCode

# name -> (module under pbxconn.cli, one-line help shown by `pbxconn --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "Render every carrier's connector package from the catalog and validate it."),
    "carriers": ("build", "List the carriers defined in carriers/*.yaml."),
    "validate": ("validate", "Validate connector packages offline (structure, Microsoft rules, cross-file)."),
    "rules": ("validate", "List the validator's rules."),
    "rule": ("validate", "Explain one validator rule: documentation, severity, fix hint, source file."),
    "diff": ("diff", "Report breaking changes between two versions of a connector."),
    "preview": ("preview", "Write an HTML page showing a connector as the designer shows it to makers."),
    "sandbox": ("sandbox", "Run the local emulator of the carriers' PBX API."),
    "contract": ("contract", "Contract-test a carrier's spec against the sandbox or a live API."),
    "csx": ("csx", "Compile and behaviour-test a connector's script.csx with Mono."),
    "deploy": ("deploy", "Run the release gates, then deploy a carrier's package with Microsoft's paconn."),
}


class LazyGroup(click.Group):
    """Import a sub-command's module only when that sub-command runs (keeps --help fast)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"pbxconn.cli.{COMMANDS[name][0]}")
        return getattr(module, name.replace("-", "_"))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, help_) in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pbxconn")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Own the carriers' Power Platform PBX connectors like software.

    Exit codes: 0 ok; 1 findings, drift, breaking changes or failed tests; 2 usage or input
    error; 130 interrupted.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the CLI and turn known errors into one clean message."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        code = cli.main(args=argv, prog_name="pbxconn", standalone_mode=False)
    except PbxconnError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"pbxconn: error: {exc}", err=True)
        sys.exit(int(exc.exit_code))
    except click.exceptions.Abort:
        click.echo("pbxconn: interrupted", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    except click.ClickException as exc:
        exc.show()
        sys.exit(int(ExitCode.USAGE))
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("pbxconn: interrupted", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    except Exception as exc:  # a bug: still one line, unless --debug asks for the traceback
        if debug:
            traceback.print_exc()
        click.echo(f"pbxconn: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                   err=True)
        sys.exit(int(ExitCode.USAGE))
    sys.exit(int(code or 0))
