"""Byte-exact simulators of the reader and the printer, on pseudo-terminals or in-process."""
