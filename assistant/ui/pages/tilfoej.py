"""Page script: see assistant/ui/upload.py."""
from assistant.ui.upload import render

render()
