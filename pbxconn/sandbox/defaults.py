"""Defaults the carriers' sandbox and the commands that start or drive it share."""

DEFAULT_KEY = "sandbox-key"  # the API key accepted when `pbxconn sandbox serve` is given none
