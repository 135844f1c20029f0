"""The PBX API emulators: the carriers' API (this package's modules) and the extension PBX (extension/)."""
