"""The generator: carriers + catalog + templates -> one certified connector package per carrier."""
