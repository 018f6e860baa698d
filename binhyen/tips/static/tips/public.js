/* The public tip pages, without inline scripts: the language switch submits itself, and
   "Use my location" fills the coordinates only when the resident presses it (nothing is
   sent until the form is). */
(function () {
  "use strict";

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  var button = document.getElementById("use-location");
  if (!button || !("geolocation" in navigator)) { return; }
  var status = document.getElementById("location-status");
  var form = button.form || document.getElementById("tip-form");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.wait;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.latitude.value = position.coords.latitude.toFixed(6);
        form.elements.longitude.value = position.coords.longitude.toFixed(6);
        status.textContent = button.dataset.done;
        button.disabled = false;
      },
      function () {
        status.textContent = button.dataset.fail;
        button.disabled = false;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
