// The site's one script of its own (htmx does the rest): arrow keys move through the header
// search's suggestions, Escape closes them. Without it, Tab reaches the same links.
document.addEventListener("keydown", (event) => {
  const box = event.target.closest && event.target.closest(".header-search");
  if (!box) return;
  const links = [...box.querySelectorAll(".suggestions a")];
  const input = box.querySelector("input");
  if (event.key === "Escape") {
    box.querySelector(".suggestions").replaceChildren();
    input.focus();
    return;
  }
  if (!links.length || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
  event.preventDefault();
  const step = event.key === "ArrowDown" ? 1 : -1;
  const index = links.indexOf(document.activeElement);
  const next = index + step;
  if (next < 0) input.focus();
  else links[Math.min(next, links.length - 1)].focus();
});
