"""Sealed batches, transports to the city hub, signed bundles, and the hub itself."""
