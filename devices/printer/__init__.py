"""ESC/POS receipt printer: layout model, encoder, status classifier, driver and job queue."""
