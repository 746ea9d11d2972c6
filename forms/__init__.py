"""Service catalog, field validators, expressions, materials logic and working-day calendar."""
