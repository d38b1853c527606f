"""The site shell: Russian, accessible, self-contained, usable at 360 px."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_is_accessible_and_self_contained(page, live_server, shoot, assert_accessible, no_external_requests):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ru"
    # The skip link is the first focusable element and moves focus to the main landmark.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Перейти к содержанию"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert_accessible(page)
    shoot(page, "desktop")

    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    # Nothing may overflow sideways on a cheap phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    shoot(page, "360px")
    assert no_external_requests == []
