"""Calculators: search, form with unit conversion and range checks, fill from a note."""

from __future__ import annotations

from tests.tui.conftest import SIZE, settle


async def _open(app, pilot, query: str) -> None:
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press(*query, "enter")
    await settle(pilot)


async def test_search_filters_the_list(make) -> None:
    """Typing filters calculators by name, id, alias or category."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", *"curb")
        await settle(pilot)
        listing = app.screen.query_one("#calc-list")
        names = [listing.get_option_at_index(i).prompt for i in range(listing.option_count)]
        assert names and all("CURB" in str(n) for n in names)


async def test_form_computes_with_explanation_and_citation(make) -> None:
    """Values typed in the form give the score, its band, steps and the source DOI."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, "chads-vasc")
        screen = app.screen
        assert screen.calculator.id == "chads-vasc"
        screen.query_one("#in-age").value = "72"
        screen.query_one("#in-sex").value = "female"
        screen.query_one("#in-hypertension").value = True
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.result.value == 3
        text = str(screen.query_one("#calc-result").render())
        assert "moderate-high risk" in text and "doi:10.1378/chest.09-1584" in text


async def test_implausible_value_is_refused_next_to_its_field(make) -> None:
    """An age of 500 is refused with the plausible range; nothing is computed."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, "chads-vasc")
        app.screen.query_one("#in-age").value = "500"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "plausible range" in str(app.screen.query_one("#err-age").render())
        assert app.screen.result is None


async def test_fill_from_note_shows_source_spans(make) -> None:
    """Ctrl+F reads inputs from a pasted note, fills the form and shows each value's span."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, "chads-vasc")
        await pilot.press("ctrl+f")
        await settle(pilot)
        app.screen.query_one("#note-text").text = "72 year old woman with hypertension and diabetes."
        await pilot.press("ctrl+r")
        await settle(pilot)
        screen = app.screen
        assert screen.name == "calculators" and screen.result.value == 4
        assert screen.query_one("#in-age").value.startswith("72")
        assert screen.query_one("#in-diabetes").value is True
        assert '← "72' in str(screen.query_one("#calc-result").render())
