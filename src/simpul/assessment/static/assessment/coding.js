// Coding by selection (evidence_detail): selecting a passage of the transcript fills the "Code a passage" form's
// quote and occurrence (the server finds it again, ignoring case and white space, as it does for a typed quote),
// clears the offsets, and says what was selected. Without JavaScript the form works as typed.
(function () {
  "use strict";
  var box = document.getElementById("transcript");
  var form = document.getElementById("code-form");
  if (!box || !form || !window.getSelection) return;
  var quote = form.querySelector("[name=quote]"), occ = form.querySelector("[name=occurrence]");
  var start = form.querySelector("[name=start]"), end = form.querySelector("[name=end]");
  var said = document.getElementById("x-selected");
  function fold(s) { return s.toLowerCase().replace(/\s+/g, " "); }
  function count(hay, needle) {
    var n = 0, at = hay.indexOf(needle);
    while (at >= 0) { n++; at = hay.indexOf(needle, at + 1); }
    return n;
  }
  function picked() {
    var sel = window.getSelection();
    if (!sel.rangeCount || sel.isCollapsed) return;
    var range = sel.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return;
    var text = sel.toString().trim();
    if (!text) return;
    var before = document.createRange();
    before.setStart(box, 0);
    before.setEnd(range.startContainer, range.startOffset);
    // the occurrence: how many times the passage begins before the selection ends, counted as the server counts
    var n = count(fold(before.toString() + text), fold(text));
    quote.value = text;
    occ.value = String(Math.max(n, 1));
    start.value = "";
    end.value = "";
    said.textContent = form.dataset.selected.replace("%s", text.length > 140 ? text.slice(0, 140) + "…" : text)
      .replace("%n", occ.value);
    said.hidden = false;
  }
  box.addEventListener("mouseup", picked);
  box.addEventListener("keyup", picked);
  box.addEventListener("touchend", function () { window.setTimeout(picked, 50); });
  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (sel.rangeCount && box.contains(sel.getRangeAt(0).commonAncestorContainer)) picked();
  });
})();
