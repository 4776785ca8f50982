// The session timeout warning (templates/includes/session_timeout.html), after GOV.UK's and
// HMRC's timeout warning pattern. The server signs a session out after
// QIREGISTER_SESSION_IDLE_MINUTES without a request (qiregister.security); shortly before
// (data-warn-seconds), a modal dialog says so, counts down and offers "Stay signed in", which
// renews the session (WCAG 2.2.1 Timing Adjustable). The dialog takes focus (showModal) and
// gives it back on closing; Escape also means "Stay signed in". Screen readers hear the
// dialog's heading and text when it opens, then the time left every 20 seconds rather than
// every second. The server decides: before warning, and at the end, the page asks how long is
// left (which does not count as activity), so time used in another tab is not lost. When the
// session has ended the page is left as it is, with a dialog that says to copy what was typed.
// Near the absolute limit (signed in QIREGISTER_SESSION_ABSOLUTE_HOURS ago) nothing can renew
// the session: the dialog says so and offers "Continue".

const root = document.querySelector("[data-qi-session-timeout]");
if (root) {
  initSessionTimeout(root);
}

function initSessionTimeout(root) {
  const warning = document.querySelector("[data-qi-timeout-dialog]");
  const signedOut = document.querySelector("[data-qi-signed-out-dialog]");
  const countdown = warning.querySelector("[data-qi-timeout-countdown]");
  const announce = warning.querySelector("[data-qi-timeout-announce]");
  let deadline = Date.now() + Number(root.dataset.secondsLeft) * 1000;
  let warnSeconds = Number(root.dataset.warnSeconds);
  let reason = root.dataset.reason;
  let timer = null;
  let ticker = null;
  let returnFocus = null;

  const secondsLeft = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));

  function inWords(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    const parts = [];
    if (minutes) parts.push(minutes === 1 ? "1 minute" : `${minutes} minutes`);
    if (rest || !minutes) parts.push(rest === 1 ? "1 second" : `${rest} seconds`);
    return parts.join(" ");
  }

  // The server's answer ({seconds_left, ends_at, reason, warn_seconds}), or null once the
  // session has ended (the answer is then a redirect to the sign-in page).
  async function ask(method) {
    const response = await fetch(method === "POST" ? root.dataset.renewUrl : root.dataset.statusUrl, {
      method,
      credentials: "same-origin",
      redirect: "manual",
      headers: { Accept: "application/json", "X-CSRFToken": root.dataset.csrfToken },
    });
    return response.ok ? response.json() : null;
  }

  function update(status) {
    deadline = Date.now() + status.seconds_left * 1000;
    warnSeconds = status.warn_seconds;
    reason = status.reason;
    for (const time of root.querySelectorAll("[data-qi-session-ends-at]")) {
      time.textContent = status.ends_at;
    }
    for (const part of warning.querySelectorAll("[data-qi-when]")) {
      part.hidden = part.dataset.qiWhen !== reason;
    }
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, Math.max(0, deadline - warnSeconds * 1000 - Date.now()));
  }

  async function check() {
    let status;
    try {
      status = await ask("GET");
    } catch {
      timer = window.setTimeout(check, 10000); // offline for a moment: ask again soon
      return;
    }
    if (!status) {
      showSignedOut();
      return;
    }
    update(status);
    if (status.seconds_left > warnSeconds) {
      schedule(); // used in another tab meanwhile
    } else {
      openWarning();
    }
  }

  let lastAnnounced = null;
  function tick() {
    const left = secondsLeft();
    countdown.textContent = inWords(left);
    if (left % 20 === 0 && left !== lastAnnounced && left > 0) {
      announce.textContent = `You will be signed out in ${inWords(left)}.`;
      lastAnnounced = left;
    }
    if (left === 0) {
      window.clearInterval(ticker);
      // A moment after the end, so the server agrees it has passed.
      timer = window.setTimeout(atTheEnd, 2000);
    }
  }

  function openWarning() {
    if (warning.open) return;
    returnFocus = document.activeElement;
    announce.textContent = "";
    tick();
    warning.showModal();
    ticker = window.setInterval(tick, 1000);
  }

  function closeWarning() {
    window.clearInterval(ticker);
    warning.close();
    if (returnFocus && returnFocus.focus) returnFocus.focus();
  }

  async function atTheEnd() {
    let status;
    try {
      status = await ask("GET");
    } catch {
      timer = window.setTimeout(atTheEnd, 10000);
      return;
    }
    if (status && status.seconds_left > 0) {
      update(status); // renewed in another tab
      closeWarning();
      schedule();
    } else {
      showSignedOut();
    }
  }

  function showSignedOut() {
    window.clearTimeout(timer);
    window.clearInterval(ticker);
    if (warning.open) warning.close();
    if (!returnFocus) returnFocus = document.activeElement;
    signedOut.showModal();
  }

  async function stay() {
    if (reason !== "idle") {
      // Nothing renews the absolute limit: close, and say so again at the end.
      closeWarning();
      timer = window.setTimeout(atTheEnd, secondsLeft() * 1000 + 2000);
      return;
    }
    let status;
    try {
      status = await ask("POST");
    } catch {
      return; // offline: the warning stays open to try again
    }
    if (!status) {
      showSignedOut();
      return;
    }
    update(status);
    closeWarning();
    schedule();
  }

  warning.querySelector("[data-qi-timeout-stay]").addEventListener("click", stay);
  warning.addEventListener("cancel", (event) => {
    event.preventDefault(); // Escape: the same as the button
    stay();
  });
  signedOut.querySelector("[data-qi-signed-out-close]").addEventListener("click", () => {
    signedOut.close();
    if (returnFocus && returnFocus.focus) returnFocus.focus();
  });

  update({
    seconds_left: secondsLeft(),
    ends_at: root.querySelector("[data-qi-session-ends-at]")?.textContent,
    reason,
    warn_seconds: warnSeconds,
  });
  schedule();
}
