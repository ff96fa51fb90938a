// Moves the focus into a card that htmx just added. The server marks its first field with
// data-autofocus rather than autofocus: the browser acts on a dynamically inserted autofocus
// on its own schedule, which could pull the focus back while the user types in another field.
document.addEventListener("htmx:afterSettle", () => {
  const field = document.querySelector("[data-autofocus]");
  if (field) {
    field.removeAttribute("data-autofocus");
    field.focus();
  }
});

// The live preview (the form's own input-triggered request) says which card results the page
// shows, by the data-version the server put on each: it renders only the results that changed.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.elt.id !== "estimate-form") return;
  const shown = [];
  for (const result of document.querySelectorAll("#estimate-form .card-result[data-version]")) {
    const index = result.id.match(/^card-(\d+)-result$/);
    if (index) shown.push(`${index[1]}:${result.dataset.version}`);
  }
  event.detail.formData.append("shown", shown.join(","));
});

// A preview answers with the message of each field that has one: clear the messages it owns
// (the cards' fields, the projection's and the terms') before its answer is swapped in.
document.addEventListener("htmx:beforeSwap", (event) => {
  const config = event.detail.requestConfig;
  if (!config || config.elt.id !== "estimate-form" || !event.detail.shouldSwap) return;
  const owned = "#estimate-form .card .field-error[id$='_error'], " +
    "#estimate-form .projection-settings .field-error[id$='_error'], " +
    "#estimate-form .terms-panel .field-error[id$='_error']";
  for (const message of document.querySelectorAll(owned)) message.textContent = "";
});
