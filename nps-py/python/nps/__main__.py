"""``python -m nps``: the ``nps`` command line (see `nps.cli`)."""

import sys

from nps.cli import main

sys.exit(main())
