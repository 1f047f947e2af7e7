// Apply a facet choice as soon as it is made; the page works the same without this script.
document.addEventListener("DOMContentLoaded", () => {
  addCopyButtons();
  const form = document.getElementById("facet-form");
  if (!form) return;
  const toggle = form.closest("details");
  // A choice reloads the page: the control chosen is remembered, so that the panel stays open
  // (on a phone, for the next choice) and keyboard focus returns to it.
  const key = "facet-choice";
  const saved = JSON.parse(sessionStorage.getItem(key) || "null");
  sessionStorage.removeItem(key);
  // On a phone the list comes first: the choices fold away until asked for.
  if (toggle && window.matchMedia("(max-width: 52rem)").matches && !saved) toggle.open = false;
  form.addEventListener("change", (event) => {
    const control = event.target;
    if (!control.matches("input[type=checkbox], select")) return;
    const value = control.matches("input") ? control.value : null;
    sessionStorage.setItem(key, JSON.stringify({ name: control.name, value }));
    form.requestSubmit();
  });
  // A facet of many values gets a box that filters them by what is typed.
  form.querySelectorAll(".facet__values").forEach((list) => {
    const items = [...list.querySelectorAll("li")];
    if (items.length <= 20) return;
    const legend = list.closest("fieldset")?.querySelector("legend")?.textContent.trim() || "values";
    const box = document.createElement("input");
    box.type = "search";
    box.className = "facet__filter";
    box.placeholder = `Filter these ${items.length}`;
    box.setAttribute("aria-label", `Filter the ${legend.toLowerCase()} values`);
    box.addEventListener("input", () => {
      const words = box.value.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
      list.classList.toggle("is-filtered", words !== "");
      items.forEach((item) => {
        const text = item.textContent.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
        item.hidden = words !== "" && !text.includes(words);
      });
    });
    list.before(box);
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
  if (saved) {
    const name = CSS.escape(saved.name);
    const control =
      (saved.value !== null && form.querySelector(`[name="${name}"][value="${CSS.escape(saved.value)}"]`)) ||
      form.querySelector(`[name="${name}"]`);
    if (control) {
      const list = control.closest(".is-collapsed");
      if (list && control.closest(".facet__more")) list.nextElementSibling?.click();  // shown again
      control.focus();
    }
  }
});

// A "Copy" button beside each permalink and citation ([data-copy]); without the script, or
// without the clipboard, the text is there to select.
function addCopyButtons() {
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy]").forEach((element) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", `Copy ${element.dataset.copy}`);
    const status = document.createElement("span");
    status.className = "copy__status";
    status.setAttribute("role", "status");
    button.addEventListener("click", async () => {
      const text = element.href || element.textContent.trim();
      try {
        await navigator.clipboard.writeText(text);
        status.textContent = "Copied";
      } catch {
        status.textContent = "Select the text to copy it";
      }
      setTimeout(() => { status.textContent = ""; }, 3000);
    });
    element.after(button, status);
  });
}
