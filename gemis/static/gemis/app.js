/* GEMIS's small page behaviours, declared in templates with data-* attributes instead of inline
   handlers (the Content-Security-Policy allows no inline script). Listeners sit on the document,
   so content swapped in by htmx behaves the same without being set up again.

   data-autosubmit              on a <select>: changing it submits its form (a switch of unit, year...)
   data-confirm="question"      on a <form>: asks before it is submitted; on a button or link: before it acts
   data-select-on-click         on an <input>: a click selects its whole text (an address to copy)
   data-copy-target="#id"       on a button: copies the value (or text) of that element to the clipboard
   data-print                   on a button: prints the page
   data-clear-target="#id"      on a button: empties that element (closes a panel loaded by htmx) */
(function () {
  "use strict";

  function closestWith(event, attribute) {
    var target = event.target;
    return target instanceof Element ? target.closest("[" + attribute + "]") : null;
  }

  document.addEventListener("change", function (event) {
    var select = closestWith(event, "data-autosubmit");
    if (select && select.form) select.form.submit();
  });

  // Capture phase: the question comes before htmx or anything else acts on the submit.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      var question = form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener(
    "click",
    function (event) {
      var asking = closestWith(event, "data-confirm");
      if (asking && !(asking instanceof HTMLFormElement) && !window.confirm(asking.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener("click", function (event) {
    var element = closestWith(event, "data-select-on-click");
    if (element && typeof element.select === "function") element.select();

    element = closestWith(event, "data-copy-target");
    if (element) {
      var source = document.querySelector(element.getAttribute("data-copy-target"));
      var text = source ? ("value" in source ? source.value : source.textContent) : "";
      if (text && navigator.clipboard) navigator.clipboard.writeText(text);
    }

    if (closestWith(event, "data-print")) window.print();

    element = closestWith(event, "data-clear-target");
    if (element) {
      var panel = document.querySelector(element.getAttribute("data-clear-target"));
      if (panel) panel.replaceChildren();
    }
  });
})();
