from modelreg.cli.main import cli

cli()
