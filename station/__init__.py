"""Jiujin station: the counter application of a neighbourhood service point."""
