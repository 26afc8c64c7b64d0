"""The Streamlit app's pages and helpers; `app.py` wires them into one navigation."""
