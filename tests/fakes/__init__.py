"""In-memory stand-ins for the ports of the domain services (issue 17): one place, beside tests/builders.

- `rating`: the rating service's ledger, billing lines, quarantine, archive and their bundle (`FakePorts`).
"""
