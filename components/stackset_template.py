"""The StackSet's template under its former module name; it is defined in `spoke.template`, beside what it
renders."""

from .spoke.template import *  # noqa: F403
