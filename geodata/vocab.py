"""Controlled vocabularies of the model.

Codes are stable English identifiers stored in the data; the words a user
reads come from the interface's translation catalogues, keyed by these codes.
"""

PARTNER_KINDS = ("police", "municipality", "housing_company", "other")

PROMISE_KINDS = (
    "targeted_operation",
    "presence_patrol",
    "parent_information",
    "school_prevention",
    "place_inventory",
    "property_inspection",
    "citizen_dialogue",
    "other",
)

# What a promise's target counts over: the whole period, or each year, month, week or day of it.
TARGET_PERIODS = ("period", "year", "month", "week", "day")

FOLLOW_UP_KINDS = ("dialogue", "web", "social_media", "contact", "other")

# unsafe_places
REPORT_SOURCES = ("survey", "citizen_dialogue", "safety_walk", "tip", "police_observation")
UNSAFE_CATEGORIES = (
    "drug_dealing",
    "drug_use",
    "poor_lighting",
    "blocked_sightlines",
    "loitering",
    "vandalism",
    "harassment",
    "traffic",
    "other",
)
TIMES_OF_DAY = ("morning", "daytime", "evening", "night", "any")

# inventoried_sites
SITE_TYPES = (
    "public_place",
    "park",
    "underpass",
    "parking",
    "basement",
    "attic",
    "stairwell",
    "bike_storage",
    "other",
)
FINDINGS = ("ok", "remark", "critical")
CHECKLIST = ("lighting", "access", "sightlines", "litter", "hangout")
SITE_STATUSES = ("flagged", "inspected", "action_planned", "fixed", "verified")
# One split of the statuses: a site is open (on the worklist) until it is fixed or verified (counted as fixed).
FIXED_SITE_STATUSES = ("fixed", "verified")
OPEN_SITE_STATUSES = tuple(s for s in SITE_STATUSES if s not in FIXED_SITE_STATUSES)
# The worklist's default: every site someone still has to act on; a fixed site stays until it is verified.
WORKLIST_STATUSES = tuple(s for s in SITE_STATUSES if s != "verified")

# operations
OPERATION_KINDS = (
    "targeted_drug_operation",
    "presence_patrol",
    "school_visit",
    "parent_information",
    "citizen_dialogue",
    "safety_walk",
)
OPERATION_FOCUS = ("sale", "youth_at_risk", "established_users")
VISIBILITY = ("internal", "public")
