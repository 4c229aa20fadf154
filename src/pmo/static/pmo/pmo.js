/* Page behaviour that would otherwise be inline (onsubmit=), which the
   Content-Security-Policy forbids: event handlers delegated from the document instead. */
(function () {
  // <form data-confirm="question">: ask before submitting.
  document.addEventListener("submit", function (event) {
    const question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
