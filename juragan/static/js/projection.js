// Projection form: show only the months chosen in "Months to project".
(function () {
  "use strict";
  var count = document.getElementById("month_count");
  if (!count) { return; }
  function show() {
    var months = parseInt(count.value, 10);
    document.querySelectorAll(".projection-month").forEach(function (row) {
      row.hidden = parseInt(row.dataset.month, 10) > months;
    });
  }
  count.addEventListener("change", show);
  show();
})();
