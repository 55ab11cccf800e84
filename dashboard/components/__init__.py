"""Pieces pages share: the layout (header, banners, alerts), record details and forms, tables, goal cards, problems."""
