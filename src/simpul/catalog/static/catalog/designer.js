/* Service designer: drag questions to reorder them (the Up/Down buttons do the same without JavaScript). */
(function () {
  "use strict";
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
