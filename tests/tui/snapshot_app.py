"""The app as snapshot tests see it: default profile, empty model store."""

from edge_assist.settings import load_settings
from edge_assist.tui.app import make_app

app = make_app(load_settings(profile="default"))

if __name__ == "__main__":
    app.run()
