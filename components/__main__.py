"""`python -m root_activity_monitor simulate`: the command line lives in `simulate.cli`."""

import sys

from .simulate.cli import main

if __name__ == "__main__":
    sys.exit(main())
