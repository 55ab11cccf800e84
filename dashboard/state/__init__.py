"""State a user carries in the address: the map view and a table page, each with its URL form."""
