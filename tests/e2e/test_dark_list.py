"""The customer list in dark mode: its phone links and a long list's "Show all" can be read
(WCAG AA contrast, 4.5:1), not unfold's navy on the near-black page."""

import pytest

from tests.e2e.conftest import DESKTOP, login
from tests.factories import CustomerFactory

pytestmark = pytest.mark.e2e

# The contrast ratio between an element's text colour and the first background
# behind it; colours are read through a canvas (computed colours may be oklch()).
CONTRAST = """el => {
  const ctx = document.createElement('canvas').getContext('2d');
  const rgb = colour => { ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = colour; ctx.fillRect(0, 0, 1, 1);
                          return [...ctx.getImageData(0, 0, 1, 1).data]; };
  let back = el;
  while (back && rgb(getComputedStyle(back).backgroundColor)[3] === 0) back = back.parentElement;
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const [a, b] = [lum(rgb(getComputedStyle(el).color)),
                  lum(rgb(getComputedStyle(back || document.body).backgroundColor))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_phone_links_can_be_read_in_dark_mode(page, live_server, manager, alice):
    CustomerFactory(name="Anu Thomas", assigned_to=alice)
    page.set_viewport_size(DESKTOP)
    page.emulate_media(color_scheme="dark")
    login(page, live_server, "maya")
    page.evaluate("() => document.documentElement.classList.add('dark')")
    link = page.locator("#result_list a.alims-phone").first
    assert link.evaluate(CONTRAST) >= 4.5


def test_show_all_can_be_read_in_dark_mode(page, live_server, manager, alice):
    CustomerFactory.create_batch(51, assigned_to=alice)  # more than a page
    page.set_viewport_size(DESKTOP)
    page.emulate_media(color_scheme="dark")
    login(page, live_server, "maya")
    page.evaluate("() => document.documentElement.classList.add('dark')")
    link = page.locator("#main a.showall")
    assert link.evaluate(CONTRAST) >= 4.5
