"""Page script: see assistant/ui/library.py."""
from assistant.ui.library import render

render()
