// Behaviour shared by every page. No inline script or handler runs under the
// Content-Security-Policy, so markup asks for behaviour with data- attributes.

// <select data-autosubmit>: choosing an option submits its form.
document.addEventListener("change", function (event) {
  var field = event.target.closest("[data-autosubmit]");
  if (field && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});
