/* Plan pages (no inline scripts: the Content-Security-Policy forbids them).
   - A Gantt opens scrolled to the x position the server computed (today, or the first bar): data-scroll-x.
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
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-scroll-x]").forEach(function (box) {
      box.scrollLeft = parseInt(box.dataset.scrollX, 10) || 0;
    });
    document.querySelectorAll("select[data-filter]").forEach(function (select) {
      const box = document.getElementById(select.dataset.filter);
      if (box) box.addEventListener("input", function () { filter(select, box.value); });
    });
  });
})();
