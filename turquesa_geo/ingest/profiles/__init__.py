"""Public-data import profiles (IOM Missing Migrants, UNODC GLOTIP, CTDC) and their registry."""
