"""The web server around the pages: sign-in, the OGC API, presentation mode, uploads and the WSGI entry."""
