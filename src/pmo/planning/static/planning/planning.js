/* Plan pages (no inline scripts: the Content-Security-Policy forbids them).
   - A Gantt opens scrolled to the x position the server computed (today, or the first bar): data-scroll-x.
   - Keyboard in a Gantt: a task's name is a tab stop; Right moves to its bar, Left back to the name, Up and Down
     to the previous or next task (names or bars, wherever the focus is).
   - A search box filters the options of the <select> that names it in data-filter: options whose text
     or project group does not contain every typed word are hidden. */
(function () {
  function filter(select, query) {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    select.querySelectorAll("optgroup").forEach(function (group) {
      const label = group.label.toLowerCase();
      let shown = 0;
      group.querySelectorAll("option").forEach(function (option) {
        const text = label + " " + option.textContent.toLowerCase();
        const match = option.selected || words.every(function (w) { return text.includes(w); });
        option.hidden = !match;
        if (match) shown += 1;
      });
      group.hidden = shown === 0;
    });
  }
  function ganttKeys(box, event) {
    const link = event.target.closest && event.target.closest("a[data-row]");
    if (!link) return;
    const onBar = link.closest("svg").getAttribute("aria-label") === "Gantt chart";
    const side = function (bars) { return box.querySelector(bars ? "svg[aria-label='Gantt chart']" : "svg[aria-label='Tasks']"); };
    let next = null;
    if (event.key === "ArrowRight" && !onBar) {
      next = side(true).querySelector("a[data-row='" + link.dataset.row + "']");
    } else if (event.key === "ArrowLeft" && onBar) {
      next = side(false).querySelector("a[data-row='" + link.dataset.row + "']");
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const links = Array.from(side(onBar).querySelectorAll("a[data-row]"));
      next = links[links.indexOf(link) + (event.key === "ArrowDown" ? 1 : -1)] || null;
    }
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-testid=gantt]").forEach(function (box) {
      box.addEventListener("keydown", function (event) { ganttKeys(box, event); });
    });
    document.querySelectorAll("[data-scroll-x]").forEach(function (box) {
      box.scrollLeft = parseInt(box.dataset.scrollX, 10) || 0;
    });
    document.querySelectorAll("select[data-filter]").forEach(function (select) {
      const box = document.getElementById(select.dataset.filter);
      if (box) box.addEventListener("input", function () { filter(select, box.value); });
    });
  });
})();
