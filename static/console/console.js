// The photo viewer's zoom and rotation (no inline script: the console's CSP allows only this
// file and htmx). Nothing here talks to the server.
document.addEventListener("DOMContentLoaded", function () {
  var viewer = document.querySelector("[data-viewer]");
  if (!viewer) { return; }
  var image = viewer.querySelector(".stage img");
  var scale = 1;
  var turn = 0;
  function apply() { image.style.transform = "scale(" + scale + ") rotate(" + turn + "deg)"; }
  viewer.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.dataset.zoom) { scale = Math.min(8, Math.max(0.25, scale * parseFloat(button.dataset.zoom))); }
    if (button.dataset.rotate) { turn = (turn + parseInt(button.dataset.rotate, 10)) % 360; }
    if (button.hasAttribute("data-reset")) { scale = 1; turn = 0; }
    apply();
  });
});
