"""The local end-to-end demo: a week of simulated calls through the real code paths."""
