"""The app layer: Streamlit-only helpers (cached store connection, session state, page frame).

The library (``turquesa_geo``) never imports Streamlit; pages import from here.
"""
