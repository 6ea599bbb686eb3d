/* The data-entry grid: Enter moves down (Shift+Enter up), Tab moves right (the browser's own),
   each cell is saved by htmx when it changes; refused saves (400/409/423) are shown in the cell,
   and so is a value that needs confirming. */
(function () {
  "use strict";

  function rowsOf(grid) {
    return Array.from(grid.querySelectorAll("tr")).filter(function (tr) {
      return tr.querySelector("input.grid-input:not([readonly])");
    });
  }

  function moveVertically(input, step) {
    var grid = input.closest("[data-grid]");
    var tr = input.closest("tr");
    var rows = rowsOf(grid);
    var index = rows.indexOf(tr);
    var here = Array.from(tr.querySelectorAll("input.grid-input:not([readonly])"));
    var column = here.indexOf(input);
    var next = rows[index + step];
    if (!next) return false;
    var there = Array.from(next.querySelectorAll("input.grid-input:not([readonly])"));
    var target = there[Math.min(column, there.length - 1)];
    if (!target) return false;
    target.focus();
    target.select();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains("grid-input")) return;
    if (event.key === "Enter" || event.key === "ArrowDown" || event.key === "ArrowUp") {
      var up = event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey);
      // Enter keeps its default action: the browser commits the value ("change", so it is saved)
      // even on the last row, where there is nowhere to move.
      if (event.key !== "Enter") event.preventDefault();
      if (!moveVertically(input, up ? -1 : 1) && event.key === "Enter" && input.value !== input.dataset.saved) {
        input.blur();
        input.focus();
      }
    } else if (event.key === "Escape" && input.dataset.saved !== undefined) {
      input.value = input.dataset.saved;
    }
  });

  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.classList.contains("grid-input")) {
      input.dataset.saved = input.value;
      input.select();
    }
  });

  // A refused save comes back as 400 (invalid), 409 (conflict) or 423 (locked): show it in the cell.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var where = event.detail.target || event.target;
    if (where && where.closest && where.closest("[data-grid]") &&
        (status === 400 || status === 409 || status === 423)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The swapped cell is new: if the person came back to it meanwhile, keep them there.
  document.addEventListener("htmx:afterSwap", function (event) {
    var cell = event.detail.target;
    if (cell && cell.dataset && cell.dataset.state === "invalid") {
      cell.setAttribute("aria-invalid", "true");
    }
  });

  // A cell's history and note open next to it, not below the whole form: before the panel loads,
  // it moves into a row of its own just under the cell's row (a card of its own on a phone).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var button = event.detail.elt;
    if (!(button instanceof Element) || !button.classList.contains("cell-info")) return;
    var panel = document.getElementById("cell-detail");
    var tr = button.closest("tr");
    if (!panel || !tr) return;
    var holder = document.getElementById("cell-detail-row");
    if (!holder) {
      holder = document.createElement("tr");
      holder.id = "cell-detail-row";
      holder.className = "grid-detail-row";
      holder.appendChild(document.createElement("td"));
    }
    holder.firstElementChild.colSpan = tr.children.length;
    if (tr.nextElementSibling !== holder) tr.after(holder);
    holder.firstElementChild.appendChild(panel);
  });

  // A value more than ten times the last period's is not saved until confirmed: the cell shows the
  // question and a "Save anyway" button (which posts again with confirm=1); the status line above
  // the grid repeats it, since the person has usually moved on to the next cell meanwhile.
  document.addEventListener("htmx:afterSettle", function (event) {
    // An outerHTML swap replaced the target: find its successor by id.
    var id = event.detail.target && event.detail.target.id;
    var cell = id ? document.getElementById(id) : null;
    if (!(cell && cell.dataset && cell.dataset.state === "confirm")) return;
    var status = document.getElementById("grid-status");
    var message = cell.querySelector("[data-testid=cell-message]");
    var input = cell.querySelector("input.grid-input");
    if (status && message) {
      status.className = "ms-2 text-warning-emphasis";
      status.textContent = (input ? input.getAttribute("aria-label") + ": " : "") + message.textContent;
    }
  });
})();
