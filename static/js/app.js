import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();

// htmx swaps new markup in: initialise any NHS.UK components inside it.
document.body.addEventListener("htmx:afterSettle", (event) => {
  initAll({ scope: event.detail.elt });
});
