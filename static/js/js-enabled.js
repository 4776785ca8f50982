// Runs first in <body> so NHS.UK components can style themselves before first paint.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
