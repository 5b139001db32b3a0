"""`python -m telefonist.cli`: the same as the `telefonist` console script."""

import sys

from telefonist.cli import main

sys.exit(main())
