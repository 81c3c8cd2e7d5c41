// juragan: progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Language switch: submit as soon as a language is picked.
  document.querySelectorAll(".js-autosubmit").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Regency selects follow their province select: <select data-follows="id-of-province">.
  document.querySelectorAll("select[data-follows]").forEach(function (regency) {
    var province = document.getElementById(regency.dataset.follows);
    if (!province) { return; }
    function filter() {
      var chosen = province.value;
      Array.prototype.forEach.call(regency.options, function (option) {
        var owner = option.dataset.province;
        var visible = !owner || !chosen || owner === chosen;
        option.hidden = !visible;
        option.disabled = !visible;
      });
      var selected = regency.options[regency.selectedIndex];
      if (selected && selected.disabled) { regency.value = ""; }
    }
    province.addEventListener("change", filter);
    filter();
  });

  // Buttons that need a second thought: <button data-confirm="question">.
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) { event.preventDefault(); }
    });
  });

  // Print buttons: <button data-print>.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // Long option lists (countries): a search box narrows them; the select alone
  // still works without script. One match left is chosen.
  document.querySelectorAll("[data-filter-options]").forEach(function (box) {
    var select = document.getElementById(box.dataset.filterOptions);
    if (!select) { return; }
    box.hidden = false;
    box.addEventListener("input", function () {
      var query = box.value.trim().toLocaleLowerCase();
      var matches = [];
      Array.prototype.forEach.call(select.options, function (option) {
        var shown = !query || option.text.toLocaleLowerCase().indexOf(query) !== -1;
        option.hidden = Boolean(option.value) && !shown;
        if (option.value && shown) { matches.push(option); }
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
      if (query && matches.length === 1) { select.value = matches[0].value; }
    });
  });
})();
