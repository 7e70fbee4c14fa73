// The order screen, keyboard first. The server does the work (htmx); this file only moves the focus
// and turns keys into the clicks and changes the page already declares. Listed under "?".
(function () {
  "use strict";

  const isDigitKey = (e) => e.key.length === 1 && /[0-9]/.test(e.key);
  const plainKey = (e) => !e.ctrlKey && !e.metaKey && !e.altKey;
  const openShortcuts = () => { const b = document.querySelector("[data-open-shortcuts]"); if (b) b.click(); };

  // Recap page: Escape goes back to the order.
  if (!document.querySelector("[data-order-screen]")) {
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && plainKey(e)) {
        const back = document.querySelector("[data-back]");
        if (back) { e.preventDefault(); back.click(); }
      }
    });
    return;
  }

  const search = document.getElementById("product-search");
  const suggestionList = () => document.getElementById("suggestions");
  const options = () => Array.from(suggestionList()?.querySelectorAll("li[role=option]") || []);
  const rows = () => Array.from(document.querySelectorAll("#order-lines tr.order-line"));
  const habitInputs = () => Array.from(document.querySelectorAll("#habit-list li:not([hidden]) [data-habit-qty]"));
  let active = 0;
  let afterAdd = null; // set when the added line should take the focus once it arrives
  let settled = null; // focus move to run once the swapped content is wired by htmx
  let refocus = null; // {line, field}: the same field of a line that the server just re-rendered

  function focusSearch() {
    search.focus();
    search.select();
  }

  function setActive(index) {
    const list = options();
    if (!list.length) return;
    active = (index + list.length) % list.length;
    list.forEach((li, i) => li.setAttribute("aria-selected", i === active ? "true" : "false"));
    search.setAttribute("aria-activedescendant", list[active].id);
    list[active].scrollIntoView({ block: "nearest" });
  }

  function clearSuggestions() {
    const list = suggestionList();
    if (list) list.innerHTML = "";
    search.value = "";
    search.setAttribute("aria-expanded", "false");
    search.removeAttribute("aria-activedescendant");
  }

  function focusLine(row, field) {
    if (!row) { focusSearch(); return; }
    const input = row.querySelector(field === "discount" ? "[data-discount]" : "[data-qty]");
    input.focus();
    input.select();
  }

  function focusHabit(index) {
    const list = habitInputs();
    if (!list.length) { focusSearch(); return; }
    const input = list[Math.max(0, Math.min(index, list.length - 1))];
    input.focus();
    input.select();
  }

  // Waits for the queued changes to reach the server, then runs `then` (recap, leaving).
  function whenSettled(then) {
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    const check = () => (document.querySelector(".htmx-request") ? setTimeout(check, 40) : then());
    setTimeout(check, 60);
  }

  function goRecap() {
    const link = document.getElementById("recap-link");
    if (link) whenSettled(() => window.location.assign(link.href));
  }

  // Product search: arrows choose a suggestion, Enter adds it.
  search.addEventListener("keydown", (e) => {
    if (!plainKey(e)) return;
    if (e.key === "ArrowDown") { e.preventDefault(); if (options().length) setActive(active + 1); else focusLine(rows()[0]); }
    else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active - 1); }
    else if (e.key === "Enter") {
      e.preventDefault();
      const chosen = options()[active];
      if (chosen) { afterAdd = { kind: "line" }; chosen.querySelector("form").requestSubmit(); }
    } else if (e.key === "Escape") { clearSuggestions(); }
  });

  // Lines: digits type the quantity; letters are commands.
  document.addEventListener("keydown", (e) => {
    const input = e.target.closest && e.target.closest("[data-qty], [data-discount]");
    if (!input || !plainKey(e)) return;
    const row = input.closest("tr.order-line");
    const list = rows();
    const index = list.indexOf(row);
    const isQty = input.matches("[data-qty]");
    const key = e.key;
    if (key === "Enter" || key === "Escape") { e.preventDefault(); focusSearch(); return; } // blur sends the change
    if (key === "ArrowDown") { e.preventDefault(); focusLine(list[index + 1] || null); return; }
    if (key === "ArrowUp") { e.preventDefault(); focusLine(list[index - 1] || list[0]); return; }
    if (key === "?") { e.preventDefault(); openShortcuts(); return; }
    if (!isQty) return; // the discount field takes digits, comma and point
    if (key === "+" || key === "-") {
      e.preventDefault();
      const step = parseInt(row.dataset.multiple || "1", 10);
      const value = Math.max(step, (parseInt(input.value || "0", 10) || 0) + (key === "+" ? step : -step));
      input.value = String(value);
      return;
    }
    if (key === "u" || key === "U") {
      e.preventDefault();
      const select = row.querySelector("[data-unit]");
      select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
      refocus = { line: row.dataset.line, field: "qty" };
      select.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    if (key === "s" || key === "S") {
      e.preventDefault();
      const button = row.querySelector("[data-substitutes]");
      if (button) button.click();
      return;
    }
    if (key === "r" || key === "R") { e.preventDefault(); focusLine(row, "discount"); return; }
    if (key === "Delete") {
      e.preventDefault();
      const next = list[index + 1] || list[index - 1] || null;
      row.querySelector("[data-remove]").click();
      focusLine(next);
      return;
    }
    if (key.length === 1 && !isDigitKey(e)) e.preventDefault(); // a quantity is digits only
  });

  // Habitual basket: Enter adds with the quantity shown, X skips, arrows move.
  document.addEventListener("keydown", (e) => {
    const input = e.target.closest && e.target.closest("[data-habit-qty]");
    if (!input || !plainKey(e)) return;
    const list = habitInputs();
    const index = list.indexOf(input);
    if (e.key === "Enter") {
      // Optimistic: the row leaves the list and the next one takes the focus at once; the request
      // is queued behind the others (hx-sync) and the row comes back if the server refuses it.
      e.preventDefault();
      input.form.requestSubmit();
      input.closest("li").hidden = true;
      focusHabit(index);
    }
    else if (e.key === "x" || e.key === "X" || e.key === "Delete") {
      e.preventDefault();
      input.closest("li").remove();
      focusHabit(index);
    } else if (e.key === "ArrowDown") { e.preventDefault(); focusHabit(index + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); focusHabit(index - 1); }
    else if (e.key === "Escape") { e.preventDefault(); focusSearch(); }
    else if (e.key === "?") { e.preventDefault(); openShortcuts(); }
    else if (e.key.length === 1 && !isDigitKey(e)) e.preventDefault();
  });

  // Offer lists and the substitutes panel: arrows move between their buttons, Escape goes back.
  document.addEventListener("keydown", (e) => {
    const list = e.target.closest && e.target.closest("[data-complements], [data-promotions], [data-substitute-panel]");
    if (!list || !plainKey(e)) return;
    const buttons = Array.from(list.querySelectorAll("button"));
    const index = buttons.indexOf(e.target);
    if (e.key === "ArrowDown" && index >= 0) { e.preventDefault(); (buttons[index + 1] || buttons[0]).focus(); }
    else if (e.key === "ArrowUp" && index >= 0) { e.preventDefault(); (buttons[index - 1] || buttons[buttons.length - 1]).focus(); }
    else if (e.key === "Escape") {
      e.preventDefault();
      if (list.matches("[data-substitute-panel]")) document.getElementById("line-panel").innerHTML = "";
      focusSearch();
    } else if (e.key === "Enter" && e.target.matches("button")) { afterAdd = { kind: "line" }; }
  });

  // Screen-wide keys.
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); goRecap(); return; }
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    const key = e.key.toLowerCase();
    if (key === "h") { e.preventDefault(); focusHabit(0); }
    else if (key === "c") { e.preventDefault(); document.querySelector("[data-complements] button")?.focus(); }
    else if (key === "p") { e.preventDefault(); document.querySelector("[data-promotions] button")?.focus(); }
  });

  // Clicking (or Enter on) an offer also adds a line: the focus follows the new line.
  document.addEventListener("submit", (e) => {
    // A form swapped in a moment ago may not be wired by htmx yet: wire it, never post it natively.
    const form = e.target;
    if (form.matches("[hx-post]") && !form["htmx-internal-data"]) {
      e.preventDefault();
      e.stopImmediatePropagation();
      htmx.process(form);
      setTimeout(() => form.requestSubmit(), 0);
      return;
    }
    if (e.target.closest("[data-complements], [data-promotions], [data-substitute-panel]") && !afterAdd) afterAdd = { kind: "line" };
    const terms = e.target.closest(".order-terms");
    if (terms) { // the version moves with every change: send the latest one
      const current = document.getElementById("order-version");
      terms.querySelector("[data-version-mirror]").value = current.value;
    }
  }, true);

  document.addEventListener("htmx:afterRequest", (e) => {
    const li = e.detail.elt.closest && e.detail.elt.closest("#habit-list li");
    if (li && !e.detail.successful) li.hidden = false;
  });

  // Remember which field of which line was being edited when a row goes to the server.
  document.addEventListener("htmx:beforeRequest", (e) => {
    const row = e.detail.elt.closest && e.detail.elt.closest("tr.order-line");
    const focused = document.activeElement;
    if (row && focused && row.contains(focused) && !refocus) {
      refocus = { line: row.dataset.line, field: focused.matches("[data-discount]") ? "discount" : "qty" };
    }
  });

  // The offers panel reloads after each basket change, but never under the person's hands: while
  // the focus or a request is inside it, the reload waits and happens once they leave it.
  let offersStale = false;
  const offers = () => document.getElementById("side-offers");
  document.body.addEventListener("htmx:beforeSwap", (e) => {
    const target = e.detail.target;
    if (target.id !== "side-offers") return;
    if (target.contains(document.activeElement) || target.querySelector(".htmx-request")) {
      e.detail.shouldSwap = false;
      offersStale = true;
    }
  });
  function reloadOffersIfStale() {
    const panel = offers();
    if (!offersStale || !panel || panel.contains(document.activeElement) || panel.querySelector(".htmx-request")) return;
    offersStale = false;
    htmx.trigger(document.body, "basket-changed");
  }
  // Requests of the page's poll regions (the incoming-call signal) are not the order's: ignore them.
  const fromPoll = (e) => Boolean(e.target && e.target.closest && e.target.closest(".poll-region"));
  document.addEventListener("focusout", () => setTimeout(reloadOffersIfStale, 0));
  document.body.addEventListener("htmx:afterRequest", (e) => { if (!fromPoll(e)) setTimeout(reloadOffersIfStale, 0); });

  document.body.addEventListener("htmx:afterSwap", (e) => {
    if (fromPoll(e)) return;
    const target = e.detail.target;
    if (target.id === "suggestions" || target.closest?.("#suggestions")) {
      active = 0;
      const has = options().length > 0;
      search.setAttribute("aria-expanded", has ? "true" : "false");
      if (has) setActive(0);
      return;
    }
    if (target.id === "line-panel") {
      settled = () => {
        const first = target.querySelector("[data-substitute-choice], button");
        if (first) first.focus();
      };
      return;
    }
    if (target.id === "order-lines") { // a line was added
      const added = document.querySelectorAll("#order-lines tr.just-added");
      const row = added[added.length - 1];
      const next = afterAdd;
      afterAdd = null;
      // After the out-of-band parts (the habit row removed, the totals) are in place too.
      if (!next) return; // added from the habitual list: the focus already moved on
      // Once htmx has wired the new row (settle) and the out-of-band parts are in place.
      settled = () => { clearSuggestions(); focusLine(row); };
      return;
    }
  });

  // A re-rendered row (quantity, unit, discount changed): give the focus back where it was, if
  // the person has not moved elsewhere meanwhile.
  document.body.addEventListener("htmx:afterSettle", (e) => {
    if (fromPoll(e)) return;
    if (settled) { const run = settled; settled = null; run(); return; }
    if (!refocus) return;
    const wanted = refocus;
    refocus = null;
    const focused = document.activeElement;
    if (focused && focused !== document.body && document.body.contains(focused)) return;
    const row = document.getElementById("line-" + wanted.line);
    if (row) focusLine(row, wanted.field);
  });
})();
