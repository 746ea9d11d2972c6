"""The station's Textual user interface."""
