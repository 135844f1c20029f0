"""Contract tests: schemathesis runs of a connector spec against an emulator or a live API, and flow drivers."""
