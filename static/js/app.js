import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
initBoardDisplay();
initPdfExports();
initPersonPickers();

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

// A PDF takes seconds to make: when its button is pressed, say so in the form's status region
// (read out by screen readers). A short PDF downloads and the page stays where it is; a long
// one is prepared in the background and the browser goes to the page that says so.
function initPdfExports(scope = document) {
  scope.querySelectorAll("form[data-qi-pdf-export]").forEach((form) => {
    const status = form.querySelector("[data-qi-pdf-status]");
    form.addEventListener("submit", (event) => {
      if (status && event.submitter && event.submitter.hasAttribute("data-qi-pdf-button")) {
        status.textContent = "Preparing your PDF. A short one downloads when it is ready; a long one is prepared in the background.";
      }
    });
  });
}

// The person picker (people/pickers.py): the search box becomes a combobox (WAI-ARIA APG
// pattern, list autocomplete) that suggests people from people:search as the user types;
// arrows move through the suggestions, Enter chooses, Escape closes. Chosen people are listed
// with a Remove button each, and posted as hidden inputs with the field's name. Without
// JavaScript the Search button posts the form back and the server lists the matches.
function initPersonPickers(scope = document) {
  scope.querySelectorAll("[data-qi-person-picker]").forEach((picker) => {
    const name = picker.dataset.name;
    const multiple = picker.dataset.multiple !== "false"; // "false": one person, replaced when another is chosen
    const minQuery = Number(picker.dataset.minQuery) || 2;
    const input = picker.querySelector("[data-qi-picker-input]");
    const listId = `${input.id}-listbox`;
    let suggestions = [];
    let active = -1;
    let timer = null;
    let asked = 0;

    // The people already chosen, from the server's checkboxes (radios, for one person); matches
    // of a no-JavaScript search that were not ticked are dropped with their boxes.
    const chosen = document.createElement("ul");
    chosen.className = "nhsuk-list qi-person-picker__chosen";
    chosen.setAttribute("aria-label", "Chosen");
    for (const box of picker.querySelectorAll(`input[name="${name}"]:checked`)) {
      const label = picker.querySelector(`label[for="${box.id}"]`);
      addChosen({ id: box.value, name: box.dataset.qiPickerPerson || label.textContent.trim(),
        detail: box.dataset.qiPickerDetail || "" });
    }
    picker.querySelectorAll("[data-qi-picker-matches], [data-qi-picker-chosen], [data-qi-picker-outcome]")
      .forEach((element) => element.remove());
    picker.querySelector("[data-qi-picker-find]").remove();

    const list = document.createElement("ul");
    list.id = listId;
    list.className = "qi-person-picker__listbox";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matching people");
    list.hidden = true;
    const status = document.createElement("div");
    status.className = "nhsuk-u-visually-hidden";
    status.setAttribute("role", "status");
    // Below the search box and its button, never beside them.
    input.closest(".qi-person-picker__search").insertAdjacentElement("afterend", list);
    picker.append(status, chosen);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.removeAttribute("name"); // only the chosen people are posted

    function addChosen(person) {
      if (!multiple) chosen.replaceChildren();
      const item = document.createElement("li");
      item.className = "qi-person-picker__person";
      const text = document.createElement("span");
      text.textContent = person.detail ? `${person.name} (${person.detail})` : person.name;
      const hidden = document.createElement("input");
      Object.assign(hidden, { type: "hidden", name, value: person.id });
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small";
      remove.append("Remove");
      const who = document.createElement("span");
      who.className = "nhsuk-u-visually-hidden";
      who.textContent = ` ${person.name}`;
      remove.append(who);
      remove.addEventListener("click", () => {
        item.remove();
        status.textContent = `${person.name} removed`;
        input.focus();
      });
      item.append(text, hidden, remove);
      chosen.append(item);
    }

    function chosenIds() {
      return new Set(Array.from(chosen.querySelectorAll("input"), (hidden) => hidden.value));
    }

    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      active = index;
      list.querySelectorAll("[role=option]").forEach((option, i) => {
        option.setAttribute("aria-selected", String(i === index));
      });
      if (index >= 0) {
        const option = list.children[index];
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      const person = suggestions[index];
      addChosen({ id: String(person.id), name: person.name,
        detail: `${person.job_role}, ${person.department}` });
      input.value = "";
      close();
      status.textContent = multiple ? `${person.name} added` : `${person.name} chosen`;
      input.focus();
    }

    function show(people) {
      const taken = chosenIds();
      suggestions = people.filter((person) => !taken.has(String(person.id)));
      list.replaceChildren(
        ...suggestions.map((person, i) => {
          const option = document.createElement("li");
          option.id = `${listId}-${i}`;
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.className = "qi-person-picker__option";
          const detail = document.createElement("span");
          detail.className = "qi-person-picker__detail";
          detail.textContent = `${person.job_role}, ${person.department}`;
          option.append(person.name, " ", detail);
          // mousedown would move focus off the input before the click chooses
          option.addEventListener("mousedown", (event) => event.preventDefault());
          option.addEventListener("click", () => choose(i));
          return option;
        }),
      );
      const open = suggestions.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", String(open));
      active = -1;
      status.textContent = open
        ? `${suggestions.length} ${suggestions.length === 1 ? "person" : "people"} found: use the up and down arrows to choose`
        : "No one found";
    }

    async function search() {
      const query = input.value.trim();
      if (query.length < minQuery) {
        close();
        return;
      }
      const url = new URL(picker.dataset.searchUrl, window.location.href);
      url.searchParams.set("q", query);
      const mine = ++asked;
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        const data = await response.json();
        if (mine === asked) show(data.results);
      } catch {
        // offline or signed out: the user can keep typing; nothing is chosen unseen
      }
    }

    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", (event) => {
      const open = !list.hidden;
      if (event.key === "ArrowDown" && open) {
        event.preventDefault();
        highlight(Math.min(active + 1, suggestions.length - 1));
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        event.preventDefault(); // never submits the form from the search box
        if (open && active >= 0) choose(active);
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else {
          input.value = "";
        }
      }
    });
    input.addEventListener("blur", () => window.setTimeout(close, 150));
  });
}
