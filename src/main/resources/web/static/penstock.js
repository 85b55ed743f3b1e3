// What every page needs in the browser: htmx requests carry the session's CSRF token, and
// <time> elements show instants in the reader's own time zone.
const token = document.querySelector('meta[name="csrf-token"]')?.content ?? "";

document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRF-Token"] = token;
});

function localTimes(root) {
  for (const element of root.querySelectorAll("time[datetime]")) {
    const when = new Date(element.getAttribute("datetime"));
    if (!Number.isNaN(when.getTime())) {
      element.title = element.title || element.textContent;
      element.textContent = when.toLocaleString();
    }
  }
}

localTimes(document);
document.addEventListener("htmx:afterSwap", (event) => localTimes(event.target));
