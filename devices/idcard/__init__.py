"""Resident ID-card reader: GA 467 SAM frames, commands, decoding and a polling reader."""
