"""The app as a first-time user sees it: default profile, empty model store.

Run it by hand with ``python tests/tui/snapshot_app.py``.
"""

from edge_assist.settings import load_settings
from edge_assist.tui.app import make_app

app = make_app(load_settings(profile="default"))

if __name__ == "__main__":
    app.run()
