/* The saved form's page: a "copy the link" button next to the link (without JavaScript the link stays selectable
   text). Its words come from the page (data-copy-label, data-copied), in the page's language. */
(function () {
  "use strict";
  var input = document.querySelector(".resume-link");
  if (!input) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary";
  button.textContent = input.getAttribute("data-copy-label");
  var said = document.createElement("span");
  said.setAttribute("role", "status");
  said.className = "copied";
  function done() { said.textContent = input.getAttribute("data-copied"); }
  button.addEventListener("click", function () {
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        if (document.execCommand("copy")) { done(); }
      });
    } else if (document.execCommand("copy")) {
      done();
    }
  });
  input.insertAdjacentElement("afterend", said);
  input.insertAdjacentElement("afterend", button);
}());
