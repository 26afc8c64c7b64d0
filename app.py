"""The Streamlit app: ask cited questions, read the documents, add agendas, browse the decision register.

Run: streamlit run app.py (or ./run.sh). The pages live in assistant/ui/.
"""
import streamlit as st

from assistant.ui import resources

st.set_page_config(page_title="DASSOS-assistenten", page_icon=":material/gavel:", layout="wide")

PAGES = [
    st.Page("assistant/ui/pages/spoerg.py", title="Spørg", icon=":material/chat:", url_path="spoerg", default=True),
    st.Page("assistant/ui/pages/dokumenter.py", title="Dokumenter", icon=":material/library_books:",
            url_path="dokumenter"),
    st.Page("assistant/ui/pages/sager.py", title="Sager og beslutninger", icon=":material/table_view:",
            url_path="sager"),
    st.Page("assistant/ui/pages/tilfoej.py", title="Tilføj dokument", icon=":material/upload_file:",
            url_path="tilfoej"),
]

page = st.navigation(PAGES)
with st.sidebar:
    st.caption("Assistent for det specialiserede socialområde i Midtjylland: rammeaftaler, organisering og "
               "DASSOS. Svar med kilder.")
problem = resources.index_problem()
if problem:
    st.error(problem)
    st.stop()
page.run()
