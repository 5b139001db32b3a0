"""`python -m telefonist_local.cli`: the same as the `telefonist` console script."""

import sys

from telefonist_local.cli import main

sys.exit(main())
