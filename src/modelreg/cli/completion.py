"""`modelreg completion`: the shell completion script (click's built-in completion)."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL.

    \b
    bash:  eval "$(modelreg completion bash)"        (in ~/.bashrc)
    zsh:   eval "$(modelreg completion zsh)"         (in ~/.zshrc)
    fish:  modelreg completion fish > ~/.config/fish/completions/modelreg.fish

    The same scripts come from click directly: _MODELREG_COMPLETE=bash_source modelreg.
    """
    from click.shell_completion import get_completion_class

    from .main import cli

    cls = get_completion_class(shell)
    assert cls is not None
    click.echo(cls(cli, {}, "modelreg", "_MODELREG_COMPLETE").source())
