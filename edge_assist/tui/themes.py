"""The three colour themes: Textual's dark and light plus a high-contrast one.

High contrast is pure black and white with saturated accents, for ward
screens in bright light and for low-vision users; the setting names map to
Textual theme names here, in one place.
"""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="edge-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ff80ff",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#202020",
    error="#ff4040",
    warning="#ffff00",
    success="#00ff00",
    dark=True,
)

THEMES = {"dark": "textual-dark", "light": "textual-light", "high-contrast": HIGH_CONTRAST.name}
"""Setting value → Textual theme name."""
