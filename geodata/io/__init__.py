"""Files in and out: safe readers, column mapping and value normalisation, import, export, police events and pledge texts."""
