"""The endpoints beside the pages: the OGC API, presentation mode, and uploads kept between a dry run and an import."""
