"""pbxconn: the carriers' Power Platform PBX connectors, kept like software."""

__version__ = "0.1.0"
