"""Benchmarks run on demand (``turquesa bench``), never imported by the app or the library."""
