"""What a screen or an export shows, computed in the domain: the map view, the public view, the standalone map,
progress, timeline, worklist, and the pledge shown when none is chosen."""
