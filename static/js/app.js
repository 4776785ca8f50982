import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
initBoardDisplay();
initPdfExports();

// htmx swaps new markup in: initialise any NHS.UK components inside it.
document.body.addEventListener("htmx:afterSettle", (event) => {
  initAll({ scope: event.detail.elt });
});

// QI board display mode (templates/recognition/board/display.html): every data-seconds seconds
// it swaps in the next project in place, so full screen is kept, and so a screen also picks
// up new projects. Pause/Play stops it (WCAG 2.2.2); Full screen uses the Fullscreen API.
// Without JavaScript the Previous and Next links load the page instead.
function initBoardDisplay(scope = document) {
  scope.querySelectorAll("[data-qi-board-display]").forEach((display) => {
    const item = display.querySelector("[data-qi-board-item]");
    const toggle = display.querySelector("[data-qi-board-toggle]");
    const fullScreen = display.querySelector("[data-qi-board-fullscreen]");
    const seconds = Math.max(5, Number(display.dataset.seconds) || 20);
    let playing = true;
    let timer = null;

    async function show(url, announce) {
      let response;
      try {
        response = await fetch(url, { credentials: "same-origin" });
      } catch {
        return; // offline for a moment: keep this project and try again next time
      }
      const page = response.ok
        ? new DOMParser().parseFromString(await response.text(), "text/html")
        : null;
      const next = page && page.querySelector("[data-qi-board-display]");
      if (!next) {
        // For example a revoked display link: show what the server says instead.
        window.location.assign(url);
        return;
      }
      item.setAttribute("aria-live", announce ? "polite" : "off");
      item.replaceChildren(
        ...Array.from(next.querySelector("[data-qi-board-item]").childNodes, (node) =>
          document.importNode(node, true),
        ),
      );
      display.dataset.nextUrl = next.dataset.nextUrl;
      const position = display.querySelector("[data-qi-board-position]");
      position.textContent = next.querySelector("[data-qi-board-position]").textContent;
      // Both pages always have Previous and Next (hidden with fewer than two projects), so a
      // screen opened on a one-project board shows them once a second project arrives.
      for (const selector of ["[data-qi-board-next]", "[data-qi-board-previous]"]) {
        const mine = display.querySelector(selector);
        const theirs = next.querySelector(selector);
        if (mine && theirs) {
          mine.setAttribute("href", theirs.getAttribute("href"));
          mine.hidden = theirs.hidden;
        }
      }
      document.title = page.title;
      window.history.replaceState(null, "", url);
    }

    function schedule() {
      window.clearTimeout(timer);
      if (playing) {
        timer = window.setTimeout(async () => {
          await show(display.dataset.nextUrl, false);
          schedule();
        }, seconds * 1000);
      }
    }

    for (const link of display.querySelectorAll("[data-qi-board-next], [data-qi-board-previous]")) {
      link.addEventListener("click", async (event) => {
        event.preventDefault();
        await show(link.href, true);
        schedule();
      });
    }

    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", () => {
        playing = !playing;
        toggle.textContent = playing ? "Pause" : "Play";
        schedule();
      });
    }

    if (fullScreen && document.fullscreenEnabled) {
      fullScreen.hidden = false;
      fullScreen.addEventListener("click", () => {
        if (document.fullscreenElement) {
          document.exitFullscreen();
        } else {
          document.documentElement.requestFullscreen();
        }
      });
      document.addEventListener("fullscreenchange", () => {
        fullScreen.textContent = document.fullscreenElement ? "Leave full screen" : "Full screen";
      });
    }

    schedule();
  });
}

// A PDF of a whole team takes seconds to make: when its button is pressed, say so in the
// form's status region (read out by screen readers); the browser downloads the file when the
// server has made it, and the page stays where it is.
function initPdfExports(scope = document) {
  scope.querySelectorAll("form[data-qi-pdf-export]").forEach((form) => {
    const status = form.querySelector("[data-qi-pdf-status]");
    form.addEventListener("submit", (event) => {
      if (status && event.submitter && event.submitter.hasAttribute("data-qi-pdf-button")) {
        status.textContent = "Preparing your PDF. It will download when it is ready.";
      }
    });
  });
}
