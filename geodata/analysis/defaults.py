"""The analyses' default parameters, in a module of their own: the command line shows them without loading esda."""

# Gi* hot spots (getisord.py): conditional permutations, with a fixed seed so a rerun gives the same classes.
DEFAULT_PERMUTATIONS = 9999
DEFAULT_SEED = 20260101
DEFAULT_RINGS = 1  # the neighbourhood: every hexagon within this many rings

# The kernel density surface (getisord.density_surface).
DENSITY_BANDWIDTH_M = 500.0
DENSITY_CELL_M = 100.0
DENSITY_MAP_CELL_M = 200.0  # the analysis page draws a coarser surface, light enough for a phone

# Interventions (interventions.py): before/after periods, the displacement buffer, a point's area.
DEFAULT_DAYS = 90
DEFAULT_BUFFER_M = 500.0
DEFAULT_TARGET_RADIUS_M = 250.0  # around an operation or site drawn as a point
