// The call cockpit: the call timer against the target duration, keys 1-7 for the outcome, and the
// outcome form's fields shown only when they apply. Every rule stays on the server.
(function () {
  "use strict";
  const pad = (n) => String(n).padStart(2, "0");

  function tick() {
    document.querySelectorAll("[data-timer]").forEach((el) => {
      const start = el.dataset.timerStart;
      const value = el.querySelector("[data-timer-value]");
      if (!start || !value) return;
      const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(start)) / 1000));
      value.textContent = pad(Math.floor(seconds / 60)) + ":" + pad(seconds % 60);
      el.classList.toggle("over", seconds > Number(el.dataset.timerTarget || 0));
    });
  }

  // Forms whose fields depend on a radio choice: <form data-choice-form="outcome">.
  function syncOutcome(form) {
    const name = form.dataset.choiceForm || "outcome";
    const checked = form.querySelector('input[name="' + name + '"]:checked');
    const outcome = checked ? checked.value : "";
    form.querySelectorAll("[data-show-for]").forEach((el) => {
      el.hidden = !el.dataset.showFor.split(" ").includes(outcome);
    });
    form.querySelectorAll("[data-hide-for]").forEach((el) => {
      el.hidden = el.dataset.hideFor.split(" ").includes(outcome);
    });
    const action = form.querySelector('select[name="next_action"]');
    if (action && outcome === "callback") action.value = "callback";
    if (action && outcome === "appointment") action.value = "visit";
  }

  document.addEventListener("DOMContentLoaded", () => {
    tick();
    setInterval(tick, 1000);
    document.querySelectorAll("[data-choice-form]").forEach((form) => {
      syncOutcome(form);
      form.addEventListener("change", () => syncOutcome(form));
    });
    // The rep clicks the number: the timer starts on the server too.
    document.querySelectorAll("a.dial").forEach((link) => {
      link.addEventListener("click", () => {
        const start = document.querySelector("[data-call-start]");
        if (start) setTimeout(() => start.click(), 50);
      });
    });
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) && t.type !== "radio")) return;
    if (!/^[1-9]$/.test(event.key)) return;
    const radios = document.querySelectorAll('[data-outcome-form] input[name="outcome"]');
    const radio = radios[Number(event.key) - 1];
    if (!radio) return;
    event.preventDefault();
    radio.checked = true;
    radio.focus();
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
