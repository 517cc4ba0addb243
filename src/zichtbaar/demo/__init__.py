"""The demo organisation: its data as YAML, built through the other apps' services (top layer)."""
