// Custodian's only script: on narrow screens, a "Menu" button folds the navigation away. Without JavaScript
// the navigation simply shows in full. Loaded from our own origin (the Content Security Policy allows no
// inline script).
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
});
