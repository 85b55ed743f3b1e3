// The step panel's tabs (kept in the URL's "tab" so the view can be shared and reloaded), its code
// highlighted by highlight.js (loaded when first needed), and its live log (log-tail.js).
import { attach } from "./log-tail.js";

const HIGHLIGHT_JS = "/webjars/highlightjs/11.10.0/highlight.min.js";
let highlighter = null;

function loadHighlighter() {
  highlighter ??= new Promise((resolve, reject) => {
    if (window.hljs) {
      resolve(window.hljs);
      return;
    }
    const script = document.createElement("script");
    script.src = HIGHLIGHT_JS;
    script.onload = () => resolve(window.hljs);
    script.onerror = reject;
    document.head.append(script);
  });
  return highlighter;
}

async function highlight(root) {
  const blocks = [...root.querySelectorAll("code[data-highlight]:not(.hljs)")];
  if (blocks.length === 0) return;
  const hljs = await loadHighlighter();
  for (const block of blocks) {
    hljs.highlightElement(block); // it reads textContent and escapes what it writes back
  }
}

function setUrl(changes) {
  const url = new URL(location.href);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  history.replaceState(history.state, "", url);
}

function select(panel, tab, remember) {
  const body = panel.querySelector(`[data-tab-body="${tab}"]`);
  if (!body) return;
  for (const other of panel.querySelectorAll("[data-tab-body]")) {
    other.hidden = other !== body;
  }
  for (const link of panel.querySelectorAll("[data-tab-link]")) {
    link.setAttribute("aria-selected", String(link.dataset.tabLink === tab));
  }
  panel.dataset.tab = tab;
  if (remember) setUrl({ tab });
  if (tab === "code") highlight(body);
}

function init(panel) {
  if (panel.dataset.ready) return;
  panel.dataset.ready = "true";
  for (const link of panel.querySelectorAll("[data-tab-link]")) {
    link.addEventListener("click", (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      select(panel, link.dataset.tabLink, true);
    });
  }
  for (const link of panel.querySelectorAll("[data-log-of]")) {
    link.addEventListener("click", (event) => {
      const choice = panel.querySelector("[data-log-attempt]");
      if (!choice) return;
      event.preventDefault();
      choice.value = link.dataset.logOf;
      choice.dispatchEvent(new Event("change"));
      select(panel, "log", true);
    });
  }
  // Inside the run page the panel closes in place, leaving the run in the URL.
  const close = panel.querySelector("[data-step-close]");
  const aside = panel.closest("#step-panel");
  if (close && aside) {
    close.addEventListener("click", (event) => {
      event.preventDefault();
      aside.replaceChildren();
      const url = new URL(location.href);
      for (const key of ["step", "tab", "attempt"]) url.searchParams.delete(key);
      history.pushState(history.state, "", url);
      // The run page follows the URL on back and forward; now it may follow this change too.
      window.dispatchEvent(new PopStateEvent("popstate", { state: history.state }));
    });
  }
  // The run page may load the panel without the tab its own URL names.
  const wanted = new URL(location.href).searchParams.get("tab");
  select(panel, panel.querySelector(`[data-tab-body="${wanted}"]`) ? wanted : panel.dataset.tab, false);
  for (const view of panel.querySelectorAll("[data-log-tail]")) attach(view);
}

function scan(root) {
  if (root.matches?.("[data-step-panel]")) init(root);
  root.querySelectorAll?.("[data-step-panel]").forEach(init);
}

scan(document);
document.addEventListener("htmx:load", (event) => scan(event.detail.elt));
