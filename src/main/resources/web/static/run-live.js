// The run page, live: applies the run's Server-Sent Events (GET /runs/{id}/events) to the header,
// the counts, the graph's nodes, the step table and its timeline, without reloading; ticks the
// clocks of what is running; opens the confirm dialogs of the actions; opens a step's panel when
// its node in the graph is clicked. Every update touches only the elements of the steps it names.
const root = document.querySelector("section.run");

const STATUSES = ["pending", "running", "complete", "failed", "skipped", "cancelled"];

function setStatus(element, status) {
  if (!element) return;
  for (const name of STATUSES) element.classList.remove("status-" + name);
  element.classList.add("status-" + status);
}

// The server's Formats.duration, for clocks ticked here.
function duration(millis) {
  millis = Math.max(0, millis);
  if (millis < 1000) return `${Math.floor(millis)} ms`;
  if (millis < 60000) return `${(millis / 1000).toFixed(1)} s`;
  const seconds = Math.floor(millis / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

function byData(attribute, value) {
  return document.querySelector(`[${attribute}="${CSS.escape(value)}"]`);
}

// ---- the graph: nodes by data-id, their subtitle in text.sub
const frame = document.querySelector(".dag-frame");
const runningNodes = new Map(Object.entries(JSON.parse(frame?.dataset.running || "{}")));

// As the server's GraphSvg draws subtitles: at most 44 characters; the hover title has them whole.
function shorten(text) {
  const chars = Array.from(text ?? "");
  return chars.length <= 44 ? chars.join("") : chars.slice(0, 43).join("").trimEnd() + "…";
}

function setSubtitle(node, text) {
  if (!node) return;
  let sub = node.querySelector("text.sub");
  if (!sub && text) {
    const label = node.querySelector("text.label");
    if (!label) return;
    sub = document.createElementNS("http://www.w3.org/2000/svg", "text");
    sub.setAttribute("class", "sub");
    sub.setAttribute("x", label.getAttribute("x"));
    const rect = node.querySelector("rect");
    const y = Number(rect.getAttribute("y")), height = Number(rect.getAttribute("height"));
    sub.setAttribute("y", String(y + height / 2 + 12));
    label.setAttribute("y", String(y + height / 2 - 3));
    node.appendChild(sub);
  }
  if (sub) sub.textContent = shorten(text);
  const title = node.querySelector("title");
  if (title && text) title.textContent = `${node.querySelector("text.label")?.textContent ?? ""}, ${text}`;
}

function applyNode(step) {
  const node = frame?.querySelector(`[data-id="${CSS.escape(step.id)}"]`);
  if (!node) return;
  setStatus(node, step.status);
  setSubtitle(node, step.subtitle);
  if (step.status === "running" && step.startedAt) runningNodes.set(step.id, step.startedAt);
  else runningNodes.delete(step.id);
}

function applyGroup(group) {
  const node = frame?.querySelector(`[data-id="${CSS.escape(group.id)}"]`);
  if (!node) return;
  if (group.status) setStatus(node, group.status);
  setSubtitle(node, group.subtitle);
}

// ---- the step table and its timeline
const table = document.getElementById("step-table");

function applyRow(step) {
  const row = table?.querySelector(`tr[data-step="${CSS.escape(step.id)}"]`);
  if (!row) return;
  const status = row.querySelector("td.st .status");
  setStatus(status, step.status);
  status.textContent = step.status;
  row.querySelector("td.attempt").textContent = String(step.attempt);
  const started = row.querySelector("td.started");
  if (step.startedAt && step.status !== "pending") {
    started.innerHTML = "";
    const time = document.createElement("time");
    time.dateTime = step.startedAt;
    time.textContent = new Date(step.startedAt).toLocaleString();
    started.appendChild(time);
  }
  const clock = row.querySelector("td.duration");
  clock.textContent = step.duration;
  clock.dataset.started = step.status === "running" ? step.startedAt : "";
  applyBar(row, step);
}

function applyBar(row, step) {
  const track = row.querySelector(".track");
  if (!track || !step.startedAt || step.status === "pending") {
    track?.querySelector(".bar:not(.earlier)")?.classList.add("earlier");
    return;
  }
  const start = Date.parse(step.startedAt);
  let bar = track.querySelector(".bar:not(.earlier)");
  if (bar && Number(bar.dataset.start) !== start) {
    bar.classList.add("earlier"); // an earlier attempt: the step was retried or rerun
    bar = null;
  }
  if (!bar) {
    bar = document.createElement("span");
    bar.className = "bar";
    bar.dataset.start = String(start);
    track.appendChild(bar);
  }
  bar.dataset.end = step.completedAt ? String(Date.parse(step.completedAt)) : "0";
  setStatus(bar, step.status);
  bar.title = `attempt ${step.attempt}: ${step.status}, ${step.duration}`;
  if (!table.dataset.t0 || table.dataset.t0 === "0" || start < Number(table.dataset.t0)) {
    table.dataset.t0 = String(start);
  }
  drawBars();
}

// Bars are placed against the window [t0, t1]; a running bar stretches it to now.
function drawBars() {
  if (!table) return;
  const bars = table.querySelectorAll(".bar");
  const t0 = Number(table.dataset.t0);
  let t1 = Number(table.dataset.t1);
  for (const bar of bars) {
    const end = Number(bar.dataset.end) || Date.now();
    if (end > t1) t1 = end;
  }
  table.dataset.t1 = String(t1);
  const length = Math.max(1, t1 - t0);
  for (const bar of bars) {
    const start = Number(bar.dataset.start);
    const end = Number(bar.dataset.end) || Date.now();
    const left = (100 * (start - t0)) / length;
    const width = Math.max(0.3, (100 * (end - start)) / length);
    bar.style.left = `${left}%`;
    bar.style.width = `${Math.min(width, 100 - left)}%`;
  }
  const label = document.getElementById("timeline-length");
  if (label) label.textContent = duration(t1 - t0);
}

// ---- the header
function applyRun(run) {
  const status = document.getElementById("run-status");
  setStatus(status, run.status);
  status.textContent = run.status.toUpperCase();
  const clock = document.getElementById("run-duration");
  clock.textContent = run.duration;
  if (!run.open) clock.dataset.started = "";
  if (run.completedAt) {
    const completed = document.getElementById("run-completed");
    completed.textContent = new Date(run.completedAt).toLocaleString();
    completed.title = run.completedAt;
  }
  const error = document.getElementById("run-error");
  error.textContent = run.error ?? "";
  error.hidden = !run.error;
  for (const [name, count] of Object.entries(run.counts)) {
    const link = byData("data-count", name);
    if (!link) continue;
    link.querySelector("b").textContent = count.toLocaleString("en-US");
    link.hidden = count === 0;
  }
  const failed = run.counts.FAILED || 0;
  for (const element of document.querySelectorAll("[data-when-failed]")) element.hidden = failed === 0;
  if (!run.open) {
    for (const element of document.querySelectorAll("[data-while-open]")) element.hidden = true;
    for (const element of document.querySelectorAll("[data-when-ended]")) element.hidden = false;
    root.dataset.live = "ended";
  }
}

function apply(update) {
  applyRun(update.run);
  for (const step of update.steps) {
    applyNode(step);
    applyRow(step);
  }
  for (const group of update.groups) applyGroup(group);
}

function connect() {
  if (!root || root.dataset.live !== "on" || !window.EventSource) return;
  const source = new EventSource(root.dataset.events);
  source.addEventListener("progress", (event) => {
    root.dataset.stream = "open";
    apply(JSON.parse(event.data));
  });
  source.addEventListener("end", () => {
    source.close();
    root.dataset.live = "ended";
    root.dataset.stream = "ended";
  });
  // EventSource reconnects by itself, sending the last event's id (Last-Event-ID).
  source.addEventListener("error", () => {
    if (source.readyState !== EventSource.CLOSED) root.dataset.stream = "reconnecting";
  });
}

// ---- clocks of what is running
function tick() {
  const now = Date.now();
  for (const cell of document.querySelectorAll("[data-started]")) {
    if (cell.dataset.started) cell.textContent = duration(now - Date.parse(cell.dataset.started));
  }
  for (const [id, startedAt] of runningNodes) {
    const node = frame?.querySelector(`[data-id="${CSS.escape(id)}"]`);
    const sub = node?.querySelector("text.sub");
    if (sub) sub.textContent = sub.textContent.replace(/^[^·]+/, duration(now - Date.parse(startedAt)) + " ");
  }
  if (table?.querySelector('.bar[data-end="0"]')) drawBars();
}

// ---- confirm dialogs and the step panel
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-dialog]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.dialog);
    const name = opener.dataset.stepName;
    if (name !== undefined) {
      dialog.querySelector('[data-fill="step-name"]').value = name;
      dialog.querySelector('[data-fill-text="step-name"]').textContent = name;
    }
    dialog.showModal();
    return;
  }
  if (event.target.closest("dialog [data-close]")) {
    event.target.closest("dialog").close();
    return;
  }
  // A step's row or node opens its panel beside the graph, with a URL to share or reload.
  const link = event.target.closest("a[data-step-link], .dag-frame a");
  if (link && window.htmx && !event.metaKey && !event.ctrlKey && !event.shiftKey) {
    const href = link.getAttribute("href") ?? "";
    const step = new URL(href, location.href).searchParams.get("step");
    if (!step) return; // a group: its link expands it
    event.preventDefault();
    history.pushState({ step }, "", href);
    openPanel(step);
  }
});

function openPanel(step) {
  const panel = document.getElementById("step-panel");
  if (step) {
    window.htmx.ajax("GET", `${location.pathname}/steps/${encodeURIComponent(step)}`, {
      target: "#step-panel",
    });
  } else {
    panel.innerHTML = "";
  }
  select(step);
}

// Back and forward move between the steps looked at.
window.addEventListener("popstate", () => {
  openPanel(new URL(location.href).searchParams.get("step"));
});

function select(stepId) {
  for (const element of document.querySelectorAll("tr.selected, .dag .node.selected")) {
    element.classList.remove("selected");
  }
  if (!stepId) return;
  table?.querySelector(`tr[data-step="${CSS.escape(stepId)}"]`)?.classList.add("selected");
  frame?.querySelector(`[data-id="${CSS.escape(stepId)}"]`)?.classList.add("selected");
}

// The runs grid belongs to another page's routes; say so when it is missing rather than "Loading".
document.addEventListener("htmx:responseError", (event) => {
  if (event.target.id === "run-grid") {
    event.target.innerHTML = '<p class="muted">The runs grid could not be loaded.</p>';
  }
});

select(new URL(location.href).searchParams.get("step"));
drawBars();
connect();
setInterval(tick, 1000);
