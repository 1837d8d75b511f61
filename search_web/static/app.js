// Progressive enhancement only: every page works without this script.
"use strict";

// Autocomplete for the search box: an ARIA combobox over /api/suggest.
(function () {
  const input = document.getElementById("q");
  const list = document.getElementById("suggest-list");
  if (!input || !list) return;
  let active = -1;
  let timer = null;
  let latest = 0;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function choose(text) {
    input.value = text;
    close();
    input.form.submit();
  }

  function highlight(index) {
    const items = list.querySelectorAll("li");
    items.forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", items[index].id);
  }

  async function fetchSuggestions() {
    const query = input.value.trim();
    if (!query) return close();
    const ticket = ++latest;
    const response = await fetch(input.dataset.suggest + "?q=" + encodeURIComponent(query));
    if (!response.ok || ticket !== latest) return;
    const data = await response.json();
    list.replaceChildren();
    data.suggestions.forEach((s, i) => {
      const li = document.createElement("li");
      li.id = "suggest-" + i;
      li.setAttribute("role", "option");
      li.textContent = s.text;
      if (s.kind === "glossary") li.classList.add("term");
      li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(s.text); });
      list.appendChild(li);
    });
    const open = data.suggestions.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    active = -1;
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 120);
  });
  input.addEventListener("keydown", (event) => {
    const count = list.querySelectorAll("li").length;
    if (list.hidden || !count) return;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % count); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + count) % count); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(list.children[active].textContent); }
    else if (event.key === "Escape") { close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
})();

// Glossary page: filter the entries as you type.
(function () {
  const filter = document.getElementById("glossary-filter");
  if (!filter) return;
  filter.addEventListener("input", () => {
    const needle = filter.value.trim().replace(/[“”"]/g, "");
    document.querySelectorAll(".entry").forEach((entry) => {
      entry.hidden = needle !== "" && !entry.dataset.terms.replace(/[“”"]/g, "").includes(needle);
    });
    document.querySelectorAll(".report").forEach((report) => {
      report.hidden = report.querySelectorAll(".entry:not([hidden])").length === 0;
    });
  });
})();
