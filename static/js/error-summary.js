// A form sent back with errors opens on the list of them (templates/includes/error_summary.html),
// so that a screen reader reads it first and keyboard users can follow its links to each field.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    // A request kept back by the submission limit opens on why, and on how to reach the service.
    const summary = document.getElementById("error-summary") || document.getElementById("submission-limit");
    if (summary) summary.focus();
  });
})();
