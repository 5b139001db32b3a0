"""One-off data migrations run from an operator's machine."""
