/* Service designer: hide the answers box unless the question is a choice; drag questions to reorder them (the Up/Down buttons do the same without JavaScript). */
(function () {
  "use strict";
  /* On a question's page: the answers to choose from only for a choice question. */
  var kind = document.querySelector("select[name=type], select[name=first_type]");
  var choices = document.querySelector("textarea[name=choices], textarea[name=first_choices]");
  if (kind && choices) {
    var box = choices.closest(".field");
    var toggle = function () { box.hidden = kind.value !== "choice" && !choices.value; };
    kind.addEventListener("change", toggle);
    toggle();
  }
  var form = document.getElementById("designer-reorder");
  if (!form) { return; }
  var lists = document.querySelectorAll(".designer-questions[data-page]");
  var dragged = null;
  function after(list, y) {
    var items = list.querySelectorAll("li[draggable=true]:not(.dragging)");
    for (var i = 0; i < items.length; i++) {
      var box = items[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) { return items[i]; }
    }
    return null;
  }
  function send() {
    var order = [];
    lists.forEach(function (list) {
      order.push(Array.prototype.map.call(list.querySelectorAll("li[data-name]"), function (li) {
        return li.getAttribute("data-name");
      }));
    });
    form.elements.order.value = JSON.stringify(order);
    form.submit();
  }
  lists.forEach(function (list) {
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("li[draggable=true]");
      if (!dragged) { return; }
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.getAttribute("data-name"));
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      var next = after(list, event.clientY);
      if (next) { list.insertBefore(dragged, next); } else { list.appendChild(dragged); }
    });
    list.addEventListener("drop", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      dragged.classList.remove("dragging");
      dragged = null;
      send();
    });
    list.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("dragging"); dragged = null; }
    });
  });
}());
