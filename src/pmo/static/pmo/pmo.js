/* Page behaviour that would otherwise be inline (onsubmit=, javascript: links), which the
   Content-Security-Policy forbids: event handlers delegated from the document instead. */
(function () {
  // <form data-confirm="question">: ask before submitting.
  document.addEventListener("submit", function (event) {
    const question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
  // <a data-back href="fallback">: go back in history when there is one, else follow the link.
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
