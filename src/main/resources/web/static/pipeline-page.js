// The pipeline page in the browser: a click on a step of the graph loads its panel without a
// reload (the graph is SVG, whose <a> elements htmx does not boost), code is highlighted, and the
// schedule's buttons ask first.
const panel = document.getElementById("step-panel");

function highlight(root) {
  if (!window.hljs) return;
  for (const block of root.querySelectorAll("pre code.language-python:not([data-highlighted])")) {
    window.hljs.highlightElement(block);
  }
}

/** Marks the node of the step the panel shows, so the graph says which one is open. */
function markSelected() {
  const shown = panel?.querySelector("[data-step]")?.dataset.step;
  for (const node of document.querySelectorAll("svg.dag g.node")) {
    node.classList.toggle("selected", node.dataset.id === shown);
  }
  for (const row of document.querySelectorAll(".step-table tr[data-step]")) {
    row.classList.toggle("selected", row.dataset.step === shown);
  }
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("svg.dag a");
  if (!link || !panel || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const node = link.querySelector("g.node");
  if (!node || node.dataset.group === "true") return; // a group expands: a new drawing, a new page
  event.preventDefault();
  const href = link.getAttribute("href");
  window.htmx.ajax("GET", href, { target: "#step-panel", swap: "innerHTML" });
});

document.addEventListener("submit", (event) => {
  const question = event.target.dataset?.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

document.addEventListener("htmx:afterSwap", (event) => {
  highlight(event.target);
  if (event.target === panel) {
    markSelected();
    panel.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
});

document.addEventListener("htmx:historyRestore", () => {
  highlight(document);
  markSelected();
});

window.addEventListener("DOMContentLoaded", () => {
  highlight(document);
  markSelected();
});
