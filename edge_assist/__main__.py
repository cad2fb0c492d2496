"""``python -m edge_assist`` is the ``edge-assist`` command."""

from edge_assist.cli import main

if __name__ == "__main__":
    main()
