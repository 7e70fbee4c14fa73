// Global keyboard shortcuts. No inline script anywhere (CSP): pages declare behaviour with data-* attributes.
(function () {
  "use strict";
  const dialog = () => document.getElementById("shortcuts");
  const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  let pendingPrefix = null;
  let prefixTimer = null;

  function toggleShortcuts() {
    const d = dialog();
    if (!d) return;
    if (d.open) d.close(); else d.showModal();
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-open-shortcuts]")) toggleShortcuts();
  });

  document.addEventListener("focusin", (event) => {
    const el = event.target.closest("[data-select-on-focus]");
    if (el) window.getSelection().selectAllChildren(el);
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "?") { event.preventDefault(); toggleShortcuts(); return; }
    if (event.key === "/") {
      const search = document.querySelector("[data-page-search]");
      if (search) { event.preventDefault(); search.focus(); search.select && search.select(); }
      return;
    }
    // Two-key "go to" shortcuts such as "g h", declared on navigation links as data-shortcut.
    if (pendingPrefix) {
      const combo = pendingPrefix + " " + event.key;
      pendingPrefix = null;
      clearTimeout(prefixTimer);
      const link = document.querySelector('[data-shortcut="' + CSS.escape(combo) + '"]');
      if (link) { event.preventDefault(); window.location.assign(link.href); }
      return;
    }
    if (event.key === "g") {
      pendingPrefix = "g";
      prefixTimer = setTimeout(() => { pendingPrefix = null; }, 1200);
    }
  });
})();

// Page-level keys: an element with data-key="x" is focused (fields) or clicked (links, buttons) on "x".
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  const t = event.target;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  const el = document.querySelector('[data-key="' + CSS.escape(event.key) + '"]');
  if (!el) return;
  event.preventDefault();
  if (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) el.focus(); else el.click();
});

// Forms that ask before a destructive action: <form data-confirm="...">.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// Template editor: a click on [data-insert-variable] inserts its text at the cursor of the last
// focused [data-variable-target] field (the subject or the body), then gives the focus back there.
(function () {
  "use strict";
  let lastField = null;

  document.addEventListener("focusin", (event) => {
    const field = event.target.closest && event.target.closest("[data-variable-target]");
    if (field) lastField = field;
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-insert-variable]");
    if (!button) return;
    event.preventDefault();
    let field = lastField && document.contains(lastField) ? lastField : null;
    field = field || document.querySelector("textarea[data-variable-target]") || document.querySelector("[data-variable-target]");
    if (!field) return;
    const text = button.dataset.insertVariable;
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? start;
    field.focus();
    field.setRangeText(text, start, end, "end");
    // Tell the page the field changed (the live preview listens to "input").
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();

// Rows that open a page: <tr data-href="..."> (the row keeps a real link for the keyboard).
document.addEventListener("click", (event) => {
  const row = event.target.closest("tr[data-href]");
  if (!row || event.target.closest("a, button, input, select, textarea, label, summary")) return;
  if (String(window.getSelection())) return; // the person is selecting text to copy
  window.location.assign(row.dataset.href);
});

// Forms with data-clear-errors: a field's error (from the server) fades once the person edits it.
document.addEventListener("input", (event) => {
  const field = event.target.closest && event.target.closest("form[data-clear-errors] .field.has-error");
  if (!field) return;
  field.classList.remove("has-error");
  field.querySelectorAll(".error").forEach((error) => { error.hidden = true; });
});

// Form parts that depend on another field: <div data-show-if="trigger" data-show-values="a b"> shows only
// while the form's field "trigger" has the value a or b (the server renders the first state).
(function () {
  "use strict";
  function sync(form) {
    form.querySelectorAll("[data-show-if]").forEach((part) => {
      const field = form.elements.namedItem(part.dataset.showIf);
      const value = field ? field.value : "";
      part.hidden = !(part.dataset.showValues || "").split(" ").includes(value);
    });
  }
  document.addEventListener("change", (event) => {
    const form = event.target.form;
    if (form && form.querySelector("[data-show-if]")) sync(form);
  });
})();

// The navigation's "Plus" menu closes on a click elsewhere or on Escape, like a menu.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details[data-nav-more][open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.open = false;
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details[data-nav-more][open]").forEach((menu) => {
    menu.open = false;
    menu.querySelector("summary").focus();
  });
});
