"""Offline validator for Power Platform connector packages. Never imports pbxconn.generate."""
