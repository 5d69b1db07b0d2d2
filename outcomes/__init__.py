"""The outcomes framework: the domain, the store and the command line. No Streamlit here."""
