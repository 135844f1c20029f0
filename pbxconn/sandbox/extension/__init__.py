"""An emulator of the extension-based virtual PBX API (seed 003): its own resources, storage and rules."""
