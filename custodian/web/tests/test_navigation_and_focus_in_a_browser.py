"""The navigation on a phone and the focus ring, in Chromium: at 390 px the site's navigation folds behind a
Menu button that opens it, and its links are then reached with the Tab key; the focus ring of a link, a
button, a text field and a text area stands out at least 3:1 against the background it is drawn on (WCAG 2.2
1.4.11 and 2.4.13), computed in the browser from the outline's colour and the first opaque background
behind it."""

import pytest

from custodian.web.tests.browser import ARTIFACTS, launch, needs_chromium

pytestmark = needs_chromium

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# The WCAG contrast of the focused element's outline against the background it sits on: the outline is
# drawn outside the element (with its offset), so the background is the first opaque one of its ancestors
# (white where none is set).
FOCUS_RING = """(el) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const style = getComputedStyle(el);
  let behind = [255, 255, 255];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] === 1)) { behind = c.slice(0, 3); break; }
  }
  const ring = rgb(style.outlineColor).slice(0, 3);
  const [hi, lo] = [luminance(ring), luminance(behind)].sort((a, b) => b - a);
  return {
    focused: document.activeElement === el,
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    ring: style.outlineColor,
    behind: `rgb(${behind.join(", ")})`,
    contrast: (hi + 0.05) / (lo + 0.05),
  };
}"""


def test_on_a_phone_the_navigation_opens_from_the_menu_button_and_its_links_take_the_keyboard(
    site, playwright
):
    browser = launch(playwright)
    page = browser.new_page(viewport=PHONE)
    page.goto(site["url"] + "/services/")
    menu = page.locator("button[aria-controls=site-nav]")
    links = page.locator("#site-nav a")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert links.count() >= 5 and not any(links.nth(i).is_visible() for i in range(links.count()))

    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert all(links.nth(i).is_visible() for i in range(links.count()))
    page.screenshot(path=str(ARTIFACTS / "menu-open-390.png"), full_page=True)

    # From the button, each link in turn with the Tab key, in the order they are shown.
    menu.focus()
    reached = []
    for _ in range(links.count()):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate("() => document.activeElement.closest('#site-nav') && document.activeElement.href")
        )
    assert reached == [links.nth(i).evaluate("a => a.href") for i in range(links.count())]

    # And the button closes it again from the keyboard.
    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "false" and not links.first.is_visible()

    # On a wide screen there is no button: the navigation shows as it is.
    page.set_viewport_size(DESKTOP)
    page.reload()
    assert not menu.is_visible() and links.first.is_visible()
    browser.close()


@pytest.mark.parametrize(
    "what",
    [
        ("a link", "main a[href]"),
        ("a link in the header", "#site-nav a[href]"),
        ("a button", "main button[type=submit]"),
        ("a text field", "#id_name"),
        ("a text area", "#id_message"),
    ],
    ids=lambda w: w[0],
)
def test_the_focus_ring_stands_out_three_to_one_against_what_is_behind_it(site, playwright, what):
    label, selector = what
    browser = launch(playwright)
    page = browser.new_page(viewport=DESKTOP)
    page.goto(site["url"] + "/contact/")
    element = page.locator(selector).first
    element.focus()
    ring = element.evaluate(FOCUS_RING)
    browser.close()
    assert ring["focused"], label
    assert ring["style"] not in ("none", "hidden") and ring["width"] >= 2, (label, ring)
    assert ring["contrast"] >= 3, (label, ring)
