"""Local stand-ins for outside services, for tests and benches (never reach the network)."""
