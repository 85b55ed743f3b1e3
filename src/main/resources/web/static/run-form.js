// The run form's inline checks: each field is read as its variable's type while the person types,
// with the rules the server applies again on submit (dev.penstock.web.pipeline.RunFormValues), and a form
// with a wrong value is not sent.
const STRING_LIKE = (type) => !["INTEGER", "FLOAT", "BOOLEAN", "JSON", "LIST"].includes(type);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The problem with `text` as a value of `type`, or "" when there is none. */
export function problem(type, text, required, badInput = false) {
  const trimmed = text.trim();
  if (badInput) {
    return type === "INTEGER" ? "Expected a whole number, such as 42." : "Expected a number, such as 0.5 or 3.";
  }
  if (trimmed === "" && !STRING_LIKE(type)) {
    return required ? "A value is required." : "";
  }
  switch (type) {
    case "INTEGER":
      return NUMBER.test(trimmed) && Number.isInteger(Number(trimmed)) && Math.abs(Number(trimmed)) < 9.2e18
        ? "" : "Expected a whole number, such as 42.";
    case "FLOAT":
      if (!NUMBER.test(trimmed)) return "Expected a number, such as 0.5 or 3.";
      return Number.isFinite(Number(trimmed)) ? "" : "That number is too large.";
    case "BOOLEAN":
      return ["true", "false"].includes(trimmed.toLowerCase()) ? "" : "Expected true or false.";
    case "JSON":
    case "LIST": {
      let value;
      try {
        value = JSON.parse(trimmed);
      } catch (error) {
        return "Not valid JSON: " + error.message;
      }
      if (type === "LIST") return Array.isArray(value) ? "" : "Expected a JSON list, such as [1, 2, 3].";
      return value !== null && typeof value === "object" ? "" : 'Expected a JSON object or list, such as {"a": 1}.';
    }
    default:
      return "";
  }
}

function check(field) {
  const input = field.querySelector("input, select, textarea");
  const message = problem(field.dataset.type, input.value, field.dataset.required === "true",
    input.validity?.badInput ?? false);
  field.classList.toggle("invalid", message !== "");
  input.setAttribute("aria-invalid", message !== "" ? "true" : "false");
  field.querySelector(".field-error").textContent = message;
  return message === "";
}

function attach(form) {
  const fields = [...form.querySelectorAll(".field[data-type]")];
  for (const field of fields) {
    const input = field.querySelector("input, select, textarea");
    input.addEventListener("input", () => check(field));
    input.addEventListener("change", () => check(field));
  }
  form.addEventListener("submit", (event) => {
    const wrong = fields.filter((field) => !check(field));
    const summary = form.querySelector(".form-summary");
    if (wrong.length > 0) {
      event.preventDefault();
      summary.textContent = wrong.length === 1
        ? "One value is not of its variable's type; fix it to start the run."
        : `${wrong.length} values are not of their variable's type; fix them to start the run.`;
      wrong[0].querySelector("input, select, textarea").focus();
    } else {
      summary.textContent = "";
    }
  });
}

for (const form of document.querySelectorAll("form[data-run-form]")) {
  attach(form);
}
