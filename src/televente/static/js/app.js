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
