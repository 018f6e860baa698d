/* The point form: offer only the host kinds the chosen type allows, show the unit or
   the organisation input depending on the host kind, and offer only organisations of
   that kind and original points of the same type. The server checks all of it again. */
(function () {
  "use strict";
  var form = document.querySelector("form.point-form");
  var source = document.getElementById("host-kinds-by-type");
  if (!form || !source) { return; }
  var hostsByType = JSON.parse(source.textContent);
  var type = form.elements.scheme_type;
  var host = form.elements.host_kind;
  var org = form.elements.organization;
  var origin = form.elements.replicated_from;
  var UNIT_HOSTS = ["residential_area", "commune"];

  function filterOptions(select, keep) {
    if (!select) { return; }
    Array.prototype.forEach.call(select.options, function (option) {
      var ok = option.value === "" || keep(option);
      option.hidden = !ok;
      option.disabled = !ok;
    });
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.disabled) { select.value = ""; }
  }

  function sync() {
    var allowed = hostsByType[type.value];
    filterOptions(host, function (option) { return !allowed || allowed.indexOf(option.value) >= 0; });
    if (host.value === "" && allowed && allowed.length) { host.value = allowed[0]; }
    var onUnit = UNIT_HOSTS.indexOf(host.value) >= 0;
    form.querySelectorAll("[data-host]").forEach(function (el) {
      el.hidden = (el.dataset.host === "unit") !== onUnit;
    });
    filterOptions(org, function (option) { return option.dataset.kind === host.value; });
    filterOptions(origin, function (option) { return !type.value || option.dataset.type === type.value; });
  }

  type.addEventListener("change", sync);
  host.addEventListener("change", sync);
  sync();
})();
