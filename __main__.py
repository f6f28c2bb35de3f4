"""Pulumi entry point: the program ships in the package, imported the way any user would."""

from root_activity_monitor.program import main

main()
