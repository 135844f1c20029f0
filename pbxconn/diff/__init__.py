"""Breaking-change detection between two versions of a connector."""
