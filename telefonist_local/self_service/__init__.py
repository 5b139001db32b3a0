"""Local stand-ins for the self-service edge and its demo data."""
