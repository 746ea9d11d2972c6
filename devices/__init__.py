"""ID-card reader and receipt printer drivers, scan inbox, device manager, simulators."""
