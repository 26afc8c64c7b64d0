"""The Streamlit app: ask cited questions, read the documents, add agendas, browse the decision register.

Run: streamlit run app.py (or ./run.sh). The pages live in assistant/ui/.
"""
import streamlit as st

from assistant.ui import page as ui_page, resources
from assistant.ui.text import md_escape
from rules.scope import scope

# The names come from the scope profile (rules/data/scope.yaml): another region's deployment changes the data only.
SCOPE = scope()
st.set_page_config(page_title=f"{SCOPE.steering_body}-assistenten", page_icon=":material/gavel:", layout="wide")

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
ui_page.install()  # lang="da", the skip link, readable captions, the browser's anonymous id
with st.sidebar:
    st.caption(f"Assistent for det specialiserede socialområde i {SCOPE.region_da}: rammeaftaler, organisering og "
               f"{SCOPE.steering_body}. Svar med kilder.")
problem = resources.index_problem()
if problem:
    st.error(md_escape(problem))
    st.stop()
page.run()
