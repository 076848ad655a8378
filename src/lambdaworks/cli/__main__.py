"""``python -m lambdaworks.cli``."""

from lambdaworks.cli.main import main

main()
