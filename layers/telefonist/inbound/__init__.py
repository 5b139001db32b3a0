"""The inbound call path: what the operator sees for a dialed number (pure domain, no AWS)."""
