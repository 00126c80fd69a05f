/* Keyboard and screen-reader help for unfold's admin (loaded by
   templates/unfold/layouts/skeleton.html; no inline code, CSP-clean).

   1. Dialogs (#modal-content, role="dialog" in templates/unfold/helpers/modal.html):
      focus moves into the dialog when it opens, Tab and Shift+Tab stay inside while
      it is open, and focus goes back to the control that opened it when it closes
      (Escape, Cancel, the close button). When saving reloads the page (HX-Redirect),
      focus is put back on the same control of the new page.
   2. Icon ligatures (material-symbols spans) are hidden from screen readers
      everywhere, also in content htmx or Alpine add later; a control left with only
      an icon is named from its title (or from the icon's meaning).
   3. A list's row actions: one menu written under the table (<template
      id="alims-row-menu">, its links carrying "__pk__") is copied for the row whose "…"
      button is pressed and placed under it. Focus moves to its first action; Up, Down,
      Home and End move between actions; Escape or Tab away closes it, Escape returning
      focus to the button; a click elsewhere closes it.
*/
(function () {
  "use strict";

  var RETURN_KEY = "alims-return-focus";
  var FOCUSABLE = [
    "a[href]", "button:not([disabled])", "input:not([disabled]):not([type=hidden])",
    "select:not([disabled])", "textarea:not([disabled])", "[tabindex]:not([tabindex='-1'])",
  ].join(",");
  var ICON_NAMES = {
    close: "Close", search: "Search", more_horiz: "More actions", more_vert: "More actions",
    arrow_back: "Go back", menu: "Menu", chevron_left: "Previous", chevron_right: "Next",
    filter_list: "Filters", download: "Download", edit: "Edit", delete: "Delete",
    visibility: "Show", history: "History", calendar_today: "Choose a date",
    schedule: "Choose a time", dark_mode: "Dark theme", light_mode: "Light theme",
  };

  // the icon font's ligature spans (never a form control: a checkbox may carry an
  // icon class for its tick)
  var ICON = ["span", "i", "div"].map(function (tag) {
    return tag + ".material-symbols-outlined, " + tag + ".material-symbols-rounded";
  }).join(", ");

  // --- 2. icons -------------------------------------------------------------

  function visibleText(el) {
    var text = "";
    el.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        text += node.textContent;
      } else if (node.nodeType === Node.ELEMENT_NODE && node.getAttribute("aria-hidden") !== "true") {
        text += visibleText(node);
      }
    });
    return text.trim();
  }

  function hideIcons(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var icons = Array.prototype.slice.call(scope.querySelectorAll(ICON));
    if (scope.matches && scope.matches(ICON)) icons.push(scope);
    icons.forEach(function (icon) {
      if (icon.getAttribute("aria-hidden") === "true") return;
      var ligature = icon.textContent.trim();
      icon.setAttribute("aria-hidden", "true");
      var control = icon.closest("a[href], button, [role=button], summary");
      if (!control || control.hasAttribute("aria-label") || control.hasAttribute("aria-labelledby")) return;
      if (visibleText(control)) return;
      var name = control.getAttribute("title") || ICON_NAMES[ligature] || ligature.replace(/_/g, " ");
      control.setAttribute("aria-label", name);
    });
  }

  // --- 1. dialogs -----------------------------------------------------------

  function modal() { return document.getElementById("modal-content"); }
  function wrapper() { return document.getElementById("modal-wrapper"); }

  function isShown(el) {
    return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  }

  function modalOpen() { return isShown(wrapper()); }

  function focusables(container) {
    return Array.prototype.filter.call(container.querySelectorAll(FOCUSABLE), isShown);
  }

  // Where focus goes back to: the opener, or the control it names (data-return-focus:
  // a row's "…" button, since the row menu itself is closed by then).
  function returnTarget(opener) {
    if (!opener) return null;
    var named = opener.getAttribute("data-return-focus");
    if (named) return document.querySelector(named);
    return opener;
  }

  function selectorFor(el) {
    if (!el) return null;
    if (el.id) return "#" + CSS.escape(el.id);
    var hx = el.getAttribute("hx-get");
    if (hx) return "[hx-get=\"" + CSS.escape(hx) + "\"]";
    var href = el.getAttribute("href");
    if (href && href !== "#") return "a[href=\"" + CSS.escape(href) + "\"]";
    return null;
  }

  var opener = null;

  function focusFirstField() {
    var content = modal();
    if (!content) return;
    var invalid = content.querySelector("[aria-invalid=true]");
    var fields = focusables(content).filter(function (el) {
      return !el.classList.contains("alims-dialog-close");
    });
    var target = invalid || content.querySelector("#dialog-form input:not([type=hidden]), #dialog-form select, #dialog-form textarea") || fields[0] || content;
    target.focus();
  }

  function onModalShownChanged(shown) {
    if (shown) {
      focusFirstField();
    } else if (opener) {
      var target = returnTarget(opener);
      opener = null;
      if (target && document.contains(target)) target.focus();
    }
  }

  function trapTab(event) {
    if (event.key !== "Tab" || !modalOpen()) return;
    var content = modal();
    var items = focusables(content);
    if (!items.length) { event.preventDefault(); content.focus(); return; }
    var first = items[0];
    var last = items[items.length - 1];
    var active = document.activeElement;
    if (!content.contains(active)) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    } else if (event.shiftKey && (active === first || active === content)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  function restoreAfterReload() {
    var selector = null;
    try {
      selector = sessionStorage.getItem(RETURN_KEY);
      sessionStorage.removeItem(RETURN_KEY);
    } catch (e) { return; }
    if (!selector) return;
    var target = null;
    try { target = document.querySelector(selector); } catch (e) { return; }
    if (target && isShown(target)) target.focus();
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var content = modal();
    var elt = event.detail && event.detail.elt;
    if (!content || !elt) return;
    var target = event.detail.target;
    if (target === content && !content.contains(elt)) {
      // opening: remember who asked
      opener = elt;
    } else if (content.contains(elt)) {
      // saving: the answer may reload the page; come back to the same control there
      var selector = selectorFor(returnTarget(opener));
      try {
        if (selector) sessionStorage.setItem(RETURN_KEY, selector);
      } catch (e) { /* private mode: nothing to remember */ }
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var content = modal();
    if (!content || !modalOpen()) return;
    if (event.detail && content.contains(event.detail.target)) focusFirstField();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    // an answer that did not reload the page (a validation error): nothing to restore
    var xhr = event.detail && event.detail.xhr;
    if (xhr && !xhr.getResponseHeader("HX-Redirect")) {
      try { sessionStorage.removeItem(RETURN_KEY); } catch (e) { /* ignore */ }
    }
  });

  document.addEventListener("keydown", trapTab, true);

  // --- 3. row actions -------------------------------------------------------

  var rowMenu = null;      // the open menu (a copy of the template), or null
  var rowMenuButton = null;

  function closeRowMenu(returnFocus) {
    if (!rowMenu) return;
    var button = rowMenuButton;
    // hidden, not removed, while an action it started may still be loading (the
    // dialog's link opens the dialog when its answer arrives); removed at the next open
    rowMenu.hidden = true;
    rowMenu = null;
    rowMenuButton = null;
    if (button) {
      button.setAttribute("aria-expanded", "false");
      button.removeAttribute("aria-controls");
      if (returnFocus) button.focus();
    }
  }

  function placeRowMenu(menu, button) {
    var box = button.getBoundingClientRect();
    var width = menu.offsetWidth;
    var left = Math.max(8, Math.min(box.right - width, window.innerWidth - width - 8));
    var top = box.bottom + 4;
    if (top + menu.offsetHeight > window.innerHeight - 8 && box.top - menu.offsetHeight - 4 > 8) {
      top = box.top - menu.offsetHeight - 4;  // no room below: above the button
    }
    menu.style.left = left + "px";
    menu.style.top = top + "px";
  }

  function openRowMenu(button) {
    var template = document.getElementById("alims-row-menu");
    if (!template) return;
    document.querySelectorAll("nav.alims-row-menu[hidden]").forEach(function (old) { old.remove(); });
    var pk = encodeURIComponent(button.getAttribute("data-row-menu"));
    var menu = template.content.firstElementChild.cloneNode(true);
    menu.id = "row-actions-menu-" + button.id.replace(/^row-actions-/, "");
    menu.querySelectorAll("a").forEach(function (link) {
      ["href", "hx-get"].forEach(function (name) {
        var value = link.getAttribute(name);
        if (value) link.setAttribute(name, value.split("__pk__").join(pk));
      });
      if (link.hasAttribute("data-return-focus")) link.setAttribute("data-return-focus", "#" + CSS.escape(button.id));
    });
    document.body.appendChild(menu);
    if (window.htmx) window.htmx.process(menu);
    placeRowMenu(menu, button);
    rowMenu = menu;
    rowMenuButton = button;
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-controls", menu.id);
    var first = menu.querySelector("a");
    if (first) first.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-row-menu]");
    if (button) {
      var wasOpen = rowMenuButton === button;
      closeRowMenu(false);
      if (!wasOpen) openRowMenu(button);
      return;
    }
    if (rowMenu && event.target.closest && event.target.closest("nav.alims-row-menu") === rowMenu) {
      // an action was chosen: its link goes on (a page, or the dialog htmx opens)
      closeRowMenu(false);
      return;
    }
    closeRowMenu(false);
  });

  document.addEventListener("keydown", function (event) {
    if (!rowMenu) return;
    var items = Array.prototype.slice.call(rowMenu.querySelectorAll("a"));
    var index = items.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      closeRowMenu(true);
    } else if (event.key === "Tab" && index >= 0) {
      // Tab leaves the menu from its button: on to the row's next control (or back)
      closeRowMenu(true);
    } else if (index >= 0 && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      items[(index + step + items.length) % items.length].focus();
    } else if (index >= 0 && (event.key === "Home" || event.key === "End")) {
      event.preventDefault();
      items[event.key === "Home" ? 0 : items.length - 1].focus();
    }
  }, true);

  document.addEventListener("focusin", function (event) {
    if (!rowMenu) return;
    if (rowMenu.contains(event.target) || event.target === rowMenuButton) return;
    closeRowMenu(false);
  });

  window.addEventListener("resize", function () { closeRowMenu(false); });
  window.addEventListener("scroll", function () {
    if (rowMenu && rowMenuButton) placeRowMenu(rowMenu, rowMenuButton);
  }, true);

  function start() {
    hideIcons(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(function (node) {
          if (node.nodeType === Node.ELEMENT_NODE) hideIcons(node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });

    var wrap = wrapper();
    if (wrap) {
      var shown = modalOpen();
      new MutationObserver(function () {
        var now = modalOpen();
        if (now !== shown) {
          shown = now;
          // after Alpine has finished showing or hiding
          requestAnimationFrame(function () { onModalShownChanged(now); });
        }
      }).observe(wrap, { attributes: true, attributeFilter: ["style", "class"] });
    }
  }

  // simplebar names every scrolling box "scrollable content": name each for what it holds
  // (two boxes with one name are two landmarks nobody can tell apart).
  function nameScrollAreas() {
    var places = [
      ["#nav-sidebar-apps", "Menu"], ["#changelist-filter, [x-show='filterOpen']", "Filters"],
      ["#changelist", "Results"], ["#command-results, [x-show='openCommandResults']", "Search results"],
    ];
    var seen = {};
    document.querySelectorAll(".simplebar-content-wrapper[role=region]").forEach(function (box) {
      var name = "Scrolling content";
      for (var i = 0; i < places.length; i++) {
        if (box.closest(places[i][0])) { name = places[i][1]; break; }
      }
      seen[name] = (seen[name] || 0) + 1;
      box.setAttribute("aria-label", seen[name] > 1 ? name + " " + seen[name] : name);
      // a box with links or buttons in it scrolls as Tab goes through them: it is
      // not a stop of its own (simplebar makes every box one)
      if (box.getAttribute("tabindex") === "0" && box.querySelector(FOCUSABLE)) {
        box.removeAttribute("tabindex");
      }
    });
  }

  // after Alpine has shown the page (x-cloak) and simplebar has wrapped its boxes
  window.addEventListener("load", function () {
    setTimeout(function () { nameScrollAreas(); restoreAfterReload(); }, 0);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
