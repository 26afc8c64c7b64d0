"""What every page gets besides Streamlit's own: Danish `lang`, a skip link, readable captions, the browser's id.

The script runs in the page itself (st.html with JavaScript): it carries no user or document text, only the
browser's own anonymous id, which is checked to be hex before it is written into it.
"""
from __future__ import annotations

import re

import streamlit as st

from assistant.conversations import new_id

COOKIE = "assistent_id"
COOKIE_DAYS = 400  # browsers cap cookies at about 400 days; the conversations themselves expire sooner
_ID = re.compile(r"[0-9a-f]{32}")

# Captions and help texts at 4.5:1 or more on white (Streamlit's grey is about 3.9:1); visually hidden headings;
# the skip link shown when it has the focus; the highlighted quote; citation marks that read as links.
CSS = """<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] small { color: #585b69 !important; opacity: 1 !important; }
[data-testid="stChatInput"] textarea::placeholder { color: #5e6170 !important; opacity: 1; }
.sr-only { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.skip-link { position: fixed; left: 0.5rem; top: -4rem; z-index: 1000100; padding: 0.6rem 1rem; background: #fff;
  color: #1a4b8c; border: 2px solid #1a4b8c; border-radius: 0.4rem; font-weight: 600; }
.skip-link:focus { top: 0.5rem; }
mark { background: #ffe58a; color: #1b1b1b; padding: 0 0.1em; }
a.cite { font-weight: 700; text-decoration: none; color: #1a4b8c; }
a.cite:hover, a.cite:focus { text-decoration: underline; }
h2.answer-heading, h3.answer-heading { font-size: 1rem !important; font-weight: 700; padding: 0.5rem 0 0.1rem; margin: 0; }
</style>"""

SCRIPT = """<script>
(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  const win = doc.defaultView || window;
  doc.documentElement.lang = "da";
  if ("__ID__") {
    doc.cookie = "__COOKIE__=__ID__; max-age=__MAXAGE__; path=/; SameSite=Lax";
  }
  if (win.__assistantUi) return;
  win.__assistantUi = true;
  // The lang attribute is set again whenever Streamlit re-renders the head (it writes lang="en").
  new win.MutationObserver(() => {
    if (doc.documentElement.lang !== "da") doc.documentElement.lang = "da";
  }).observe(doc.documentElement, {attributes: true, attributeFilter: ["lang"]});

  const chatBox = () => doc.querySelector('[data-testid="stChatInput"] textarea');
  const skip = doc.createElement("a");
  skip.className = "skip-link";
  skip.href = "#";
  skip.textContent = "Gå til spørgsmålsfeltet";
  skip.addEventListener("click", (event) => {
    event.preventDefault();
    const box = chatBox();
    const target = box || doc.querySelector("h1") || doc.querySelector('[data-testid="stMain"]');
    if (!target) return;
    if (!box) target.setAttribute("tabindex", "-1");
    target.focus();
    target.scrollIntoView({block: "center"});
  });
  doc.body.insertBefore(skip, doc.body.firstChild);

  const openSource = (id) => {
    let target = doc.getElementById(id);
    if (!target) return false;
    const details = target.closest("details");
    const summary = details ? details.querySelector("summary") : null;
    if (details && !details.open && summary) summary.click();
    const focusable = summary || target;
    win.setTimeout(() => {
      focusable.scrollIntoView({block: "start", behavior: "smooth"});
      focusable.focus({preventScroll: true});
    }, 150);
    return true;
  };

  const copy = async (text, button) => {
    try {
      await win.navigator.clipboard.writeText(text);
    } catch (err) {
      const area = doc.createElement("textarea");
      area.value = text;
      doc.body.appendChild(area);
      area.select();
      doc.execCommand("copy");
      area.remove();
    }
    button.textContent = "Kopieret";
    win.setTimeout(() => { button.textContent = "Kopiér svaret"; }, 2000);
  };

  doc.addEventListener("click", (event) => {
    const cite = event.target.closest && event.target.closest("a.cite");
    if (cite) {
      if (openSource(cite.dataset.source)) event.preventDefault();
      return;
    }
    const button = event.target.closest && event.target.closest("button.copy-answer");
    if (button) {
      const source = doc.getElementById(button.dataset.copy);
      if (source) copy(source.textContent, button);
      return;
    }
    // On a narrow screen the sidebar covers the page: close it once a page has been chosen.
    const nav = event.target.closest && event.target.closest('[data-testid="stSidebarNav"] a');
    if (nav && win.innerWidth < 768) {
      win.setTimeout(() => {
        const close = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
        const sidebar = doc.querySelector('[data-testid="stSidebar"]');
        const box = sidebar ? sidebar.getBoundingClientRect() : null;
        if (close && box && box.width > 0 && box.right > 0) close.click();
      }, 300);
    }
  }, true);
})();
</script>"""


def browser_id() -> str:
    """The anonymous id of this browser: from its cookie, else a new one (written to the cookie by `install`)."""
    if "browser_id" not in st.session_state:
        cookie = ""
        try:
            cookie = st.context.cookies.get(COOKIE, "") or ""
        except Exception:  # noqa: BLE001 - no request context (AppTest): a new id for this session
            cookie = ""
        st.session_state.browser_id = cookie if isinstance(cookie, str) and _ID.fullmatch(cookie) else new_id()
    return st.session_state.browser_id


def install() -> None:
    """The page's CSS, and the script that sets lang, the skip link, the cookie and the citation links."""
    st.html(CSS)
    script = (SCRIPT.replace("__COOKIE__", COOKIE).replace("__MAXAGE__", str(COOKIE_DAYS * 86400))
              .replace("__ID__", browser_id()))
    with st.sidebar:
        st.html(script, unsafe_allow_javascript=True)
