// Follows one attempt's log in a step panel: opens at the tail (never the whole log), appends
// what the step writes as server-sent events, loads earlier chunks on demand, and keeps the view
// scrolled to the bottom until the reader scrolls up. Text goes in as textContent, never HTML.
const EARLIER_BYTES = 64 * 1024;
const KEEP_CHARS = 2_000_000; // past this, the oldest chunks leave the page (they can be reloaded)
const BOTTOM_SLACK = 24;

export function attach(view) {
  if (view.logTail) {
    return;
  }
  const pre = view.querySelector("[data-log-text]");
  const state = view.querySelector("[data-log-state]");
  const earlier = view.querySelector("[data-log-earlier]");
  const follow = view.querySelector("[data-log-follow]");
  const attemptSelect = view.querySelector("[data-log-attempt]");
  const liveLatest = view.dataset.live === "true";
  const tail = { source: null, first: null, last: null, earliest: 0, chars: 0, following: true };
  view.logTail = tail;

  const atBottom = () => pre.scrollHeight - pre.scrollTop - pre.clientHeight <= BOTTOM_SLACK;
  const scrollDown = () => {
    pre.scrollTop = pre.scrollHeight;
  };
  const say = (text) => {
    state.textContent = text;
  };

  pre.addEventListener("scroll", () => {
    tail.following = atBottom();
    follow.hidden = tail.following || !tail.source;
  });
  follow.addEventListener("click", () => {
    tail.following = true;
    follow.hidden = true;
    scrollDown();
  });

  function piece(chunk) {
    const span = document.createElement("span");
    span.textContent = chunk.text;
    span.dataset.start = chunk.start;
    return span;
  }

  function gap(bytes) {
    const note = document.createElement("span");
    note.className = "log-gap";
    note.textContent = `\n[… ${bytes} bytes dropped by the log cap before they were shown …]\n`;
    return note;
  }

  function showEarlierButton() {
    earlier.hidden = !(tail.first !== null && tail.first > tail.earliest);
  }

  function append(chunk) {
    if (tail.first === null) {
      tail.first = chunk.start;
    } else if (chunk.start > tail.last) {
      pre.append(gap(chunk.start - tail.last));
    }
    if (chunk.text) {
      pre.append(piece(chunk));
      tail.chars += chunk.text.length;
    }
    tail.last = chunk.end;
    tail.earliest = chunk.earliest;
    trim();
    showEarlierButton();
    if (tail.following) {
      scrollDown();
    }
  }

  // A live log of many megabytes would slow the page down: drop the oldest pieces.
  function trim() {
    while (tail.chars > KEEP_CHARS && pre.children.length > 1) {
      const oldest = pre.firstElementChild;
      tail.chars -= oldest.textContent.length;
      oldest.remove();
      const next = pre.firstElementChild;
      if (next?.dataset.start) {
        tail.first = Number(next.dataset.start);
      }
    }
  }

  async function loadEarlier() {
    earlier.disabled = true;
    try {
      const url = `${view.dataset.chunkUrl}&before=${tail.first}&max=${EARLIER_BYTES}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) {
        say(`cannot load earlier lines: ${await response.text()}`);
        return;
      }
      const chunk = await response.json();
      const height = pre.scrollHeight;
      pre.prepend(piece(chunk));
      tail.chars += chunk.text.length;
      tail.first = chunk.start;
      tail.earliest = chunk.earliest;
      pre.scrollTop += pre.scrollHeight - height; // the lines in view stay in view
      showEarlierButton();
    } finally {
      earlier.disabled = false;
    }
  }
  earlier.addEventListener("click", loadEarlier);

  function ended(end) {
    stop();
    if (end.latest === 0) {
      say(`the step did not run (${end.status.toLowerCase()})`);
      return;
    }
    if (end.attempt < end.latest) {
      say(`attempt ${end.attempt} ended; attempt ${end.latest} has begun`);
    } else if (end.status === "RUNNING" || end.status === "PENDING") {
      say(`attempt ${end.attempt} ended`);
    } else {
      say(`attempt ${end.attempt} ${end.status.toLowerCase()}`);
    }
    if (tail.last === 0) {
      pre.textContent = "(this attempt wrote nothing)";
    }
  }

  function stop() {
    tail.source?.close();
    tail.source = null;
    follow.hidden = true;
  }

  function start() {
    stop();
    pre.replaceChildren();
    Object.assign(tail, { first: null, last: null, earliest: 0, chars: 0, following: true });
    showEarlierButton();
    say(view.dataset.live === "true" ? "connecting…" : "loading…");
    const source = new EventSource(view.dataset.streamUrl);
    tail.source = source;
    source.addEventListener("open", () => {
      say(view.dataset.live === "true" ? "● live" : "");
    });
    source.addEventListener("waiting", () => say("waiting for the step to start…"));
    source.addEventListener("chunk", (event) => {
      say(view.dataset.live === "true" ? "● live" : "");
      append(JSON.parse(event.data));
    });
    source.addEventListener("end", (event) => ended(JSON.parse(event.data)));
    source.addEventListener("error", () => {
      if (tail.source === source) say("connection lost; reconnecting…");
    });
  }

  attemptSelect?.addEventListener("change", () => {
    const attempt = attemptSelect.value;
    for (const key of ["streamUrl", "chunkUrl"]) {
      view.dataset[key] = view.dataset[key].replace(/attempt=\d+/, `attempt=${attempt}`);
    }
    view.dataset.live = String(attemptSelect.selectedIndex === 0 && liveLatest);
    const url = new URL(location.href);
    url.searchParams.set("attempt", attempt);
    history.replaceState(history.state, "", url);
    start();
  });

  // The panel may be swapped out by htmx or the page left: stop streaming then.
  const watch = setInterval(() => {
    if (!view.isConnected) {
      stop();
      clearInterval(watch);
    }
  }, 2000);

  start();
}
