"""telefonist: shared package of the hosted-switchboard backend.

Models, domain rules and data access used by every Lambda function, the tests and the CLI.
It ships to Lambda as a layer; nothing in it reads the environment at import time.
"""

__version__ = "0.1.0"
