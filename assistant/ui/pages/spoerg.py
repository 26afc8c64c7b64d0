"""Page script: see assistant/ui/chat.py."""
from assistant.ui.chat import render

render()
