"""What the directory and its accounts allow, as values: pure, importing nothing of the portal above the core."""
