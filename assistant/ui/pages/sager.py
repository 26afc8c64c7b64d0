"""Page script: see assistant/ui/decisions.py."""
from assistant.ui.decisions import render

render()
