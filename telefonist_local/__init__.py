"""Local tooling for telefonist: the `telefonist` command, the demo, moto-backed local AWS, seeding,
the local API gateway and pages (`telefonist serve`), the contact-flow simulator and finance's DuckDB
runner. Never shipped to Lambda: it may import the shared package `telefonist` and `functions`, and
neither of them imports it (tests/unit/test_package_boundaries.py walks the imports).
"""
