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
