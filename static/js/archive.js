// Apply a facet choice as soon as it is made; the page works the same without this script.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("facet-form");
  if (!form) return;
  // On a phone the list comes first: the choices fold away until asked for.
  const toggle = form.closest("details");
  if (toggle && window.matchMedia("(max-width: 52rem)").matches) toggle.open = false;
  form.addEventListener("change", (event) => {
    if (event.target.matches("input[type=checkbox], select")) form.requestSubmit();
  });
  form.querySelectorAll(".facet__values--long").forEach((list) => {
    const hidden = list.querySelectorAll(".facet__more");
    if (!hidden.length) return;
    list.classList.add("is-collapsed");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "facet__toggle";
    button.textContent = `Show ${hidden.length} more`;
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", () => {
      const collapsed = list.classList.toggle("is-collapsed");
      button.textContent = collapsed ? `Show ${hidden.length} more` : "Show fewer";
      button.setAttribute("aria-expanded", String(!collapsed));
    });
    list.after(button);
  });
});
