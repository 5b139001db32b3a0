"""The contact-flow simulator: runs the real flow JSON locally (nothing emulates Amazon Connect)."""
