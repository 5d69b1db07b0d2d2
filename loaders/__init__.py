"""Spreadsheets and public data formats in, canonical validated tables out. No Streamlit here."""
