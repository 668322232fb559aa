// Custodian's only script, loaded from our own origin (the Content Security Policy allows no inline script).
// On narrow screens, a "Menu" button folds the navigation away; without JavaScript the buttons stay hidden
// and the navigation shows in full (compact). A form sent back with errors: its error summary takes the
// focus, so it is read first (without JavaScript it is still the first thing in the form).
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-menu]")) {
    const target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) continue;
    button.hidden = false;
    button.setAttribute("aria-expanded", "false");
    target.classList.add("is-collapsed");
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      target.classList.toggle("is-collapsed", !open);
    });
  }
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});
