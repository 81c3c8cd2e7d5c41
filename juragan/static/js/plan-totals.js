// Plan forms: totals follow what is typed, before saving. The server stays the
// authority: it recomputes every figure when the form is saved, and these
// previews only add up the amounts on the screen.
(function () {
  "use strict";

  // Whole rupiah as people type them, read as the server's RupiahField reads
  // them: "1.500.000", "Rp1.500.000", "Rp 1.500.000", "1500000,00".
  function parse(text) {
    var value = String(text).trim().replace(/^rp/i, "").trim();
    value = value.replace(/[.\s]/g, "");
    if (value.slice(-3) === ",00") { value = value.slice(0, -3); }
    if (value === "") { return 0; }
    return /^-?\d+$/.test(value) ? parseInt(value, 10) : null;
  }

  // "Rp1.250.000", as the app writes rupiah in both languages.
  function rupiah(amount) {
    var digits = String(Math.abs(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (amount < 0 ? "-" : "") + "Rp" + digits;
  }

  function sum(inputs) {
    var total = 0, unread = 0;
    inputs.forEach(function (input) {
      if (input.closest("[hidden]")) { return; }
      var amount = parse(input.value);
      if (amount === null) { unread += 1; } else { total += amount; }
    });
    return { total: total, unread: unread };
  }

  // Capital and funding: the section's total, against the other side as saved.
  document.querySelectorAll("[data-plan-totals]").forEach(function (box) {
    var form = box.closest("form");
    var section = box.dataset.section;
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name$='-amount_idr']"));
    var needsOut = box.querySelector("[data-total='needs']");
    var sourcesOut = box.querySelector("[data-total='sources']");
    var message = box.querySelector("[data-balance]");
    var unreadNote = box.querySelector("[data-unread]");
    function update() {
      var typed = sum(inputs);
      var needs = section === "capital" ? typed.total : parseInt(box.dataset.needs, 10);
      var sources = section === "funding" ? typed.total : parseInt(box.dataset.sources, 10);
      needsOut.textContent = rupiah(needs);
      sourcesOut.textContent = rupiah(sources);
      var gap = sources - needs;
      message.classList.toggle("text-danger", gap !== 0);
      message.classList.toggle("text-success-emphasis", gap === 0 && needs > 0);
      if (needs <= 0) {
        message.textContent = "";
      } else if (gap < 0) {
        message.textContent = box.dataset.short.replace("{amount}", rupiah(-gap));
      } else if (gap > 0) {
        message.textContent = box.dataset.over.replace("{amount}", rupiah(gap));
      } else {
        message.textContent = box.dataset.balanced;
      }
      unreadNote.hidden = typed.unread === 0;
    }
    inputs.forEach(function (input) { input.addEventListener("input", update); });
    box.querySelector("[data-preview-note]").hidden = false;
    update();
  });

  // Projection: each month's operating profit and the totals of the months shown.
  var projection = document.querySelector("[data-projection-totals]");
  if (projection) {
    var form = projection.closest("form");
    var months = Array.prototype.slice.call(form.querySelectorAll(".projection-month"));
    var names = ["sales_idr", "cogs_idr", "operating_costs_idr", "owner_draw_idr"];
    var count = document.getElementById("month_count");
    function field(month, name) {
      return month.querySelector("input[name$='-" + name + "']");
    }
    function update() {
      var totals = { sales_idr: 0, cogs_idr: 0, operating_costs_idr: 0, owner_draw_idr: 0, profit: 0 };
      var unread = 0;
      months.forEach(function (month) {
        var values = {};
        names.forEach(function (name) {
          var amount = parse(field(month, name).value);
          if (amount === null) { unread += 1; amount = 0; }
          values[name] = amount;
        });
        var profit = values.sales_idr - values.cogs_idr - values.operating_costs_idr;
        var out = month.querySelector("[data-month-profit]");
        out.textContent = rupiah(profit);
        month.querySelector(".month-profit").hidden = false;
        if (month.hidden) { return; }
        names.forEach(function (name) { totals[name] += values[name]; });
        totals.profit += profit;
      });
      Object.keys(totals).forEach(function (key) {
        projection.querySelector("[data-sum='" + key + "']").textContent = rupiah(totals[key]);
      });
      projection.querySelector("[data-unread]").hidden = unread === 0;
    }
    form.addEventListener("input", update);
    if (count) { count.addEventListener("change", function () { window.setTimeout(update, 0); }); }
    projection.hidden = false;
    update();
  }
})();
