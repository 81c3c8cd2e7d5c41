// Visit form on a weak signal: keep what the mentor typed in this browser until the
// server confirms the save. The draft holds the form's idempotency key too, so a
// retry of the same visit is stored once.
(function () {
  "use strict";
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) { return; }

  // After a save: the page names the draft and the key the server stored.
  document.querySelectorAll("[data-clear-draft]").forEach(function (marker) {
    var saved = marker.dataset.savedKey;
    var draft = store.getItem(marker.dataset.clearDraft);
    if (!saved || !draft) { return; }
    try {
      if (JSON.parse(draft).idempotency_key === saved) { store.removeItem(marker.dataset.clearDraft); }
    } catch (e) { store.removeItem(marker.dataset.clearDraft); }
  });

  var form = document.getElementById("visit-form");
  if (!form) { return; }
  var key = form.dataset.draftKey;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.name !== "csrf_token" && el.type !== "submit";
    });
  }
  function save() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name + "=" + el.value] = el.checked;
      } else {
        data[el.name] = el.value;
      }
    });
    store.setItem(key, JSON.stringify(data));
  }
  function restore() {
    var raw = store.getItem(key);
    if (!raw) { return false; }
    var data;
    try { data = JSON.parse(raw); } catch (e) { return false; }
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        var mark = data[el.name + "=" + el.value];
        if (mark !== undefined) { el.checked = mark; }
      } else if (data[el.name] !== undefined) {
        el.value = data[el.name];
      }
    });
    return true;
  }
  // The server's answer to a failed submit wins; otherwise bring the draft back.
  if (form.dataset.hasErrors !== "yes" && restore()) {
    document.getElementById("draft-restored").classList.remove("d-none");
  }
  save();
  form.addEventListener("input", save);
  form.addEventListener("change", save);

  var locate = document.getElementById("take-location");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      var note = document.getElementById("location-note");
      if (!form.elements.location_consent.checked) {
        note.textContent = locate.dataset.needsConsent || "";
        form.elements.location_consent.focus();
        return;
      }
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.latitude.value = position.coords.latitude.toFixed(6);
        form.elements.longitude.value = position.coords.longitude.toFixed(6);
        note.textContent = form.elements.latitude.value + ", " + form.elements.longitude.value;
        save();
      }, function () { note.textContent = "–"; });
    });
  }
})();
