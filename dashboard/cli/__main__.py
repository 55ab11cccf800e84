"""``python -m dashboard.cli``: the same as the ``pledgemap`` command."""

import sys

from dashboard.cli import main

sys.exit(main())
