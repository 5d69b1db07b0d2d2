"""Streamlit helpers shared by the pages: the cached store and the status components."""
