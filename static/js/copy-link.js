// "Copy link" on a saved estimate. Without JavaScript the button stays hidden and the
// read-only field beside it still holds the link to select and copy.
document.querySelectorAll("[data-copy-link]").forEach((button) => {
  const field = document.getElementById(button.dataset.copyLink);
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = "Link copied";
    } catch {
      field.select();
      button.textContent = "Press Ctrl+C to copy";
    }
  });
});
