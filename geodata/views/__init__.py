"""What a screen or an export shows, computed in the domain: the map view, the public view, progress, timeline, worklist."""
