// The visit form on a weak signal. What the mentor enters, photos included, is
// kept on this phone (drafts.js, IndexedDB) until the server confirms the visit.
// The form is sent from here with the draft's photos; a sending that does not
// arrive is sent again when the connection returns and when the form is opened
// again. The draft keeps the form's idempotency key, so that a visit whose answer
// was lost is stored once however often it is sent. Without this script the form
// is sent as any form.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) { return; }

  function save() { /* replaced below once the draft store answers */ }

  // The location button (delegated: the form's content is replaced when the
  // server sends it back with errors).
  form.addEventListener("click", function (event) {
    var locate = event.target.closest ? event.target.closest("#take-location") : null;
    if (!locate || !navigator.geolocation) { return; }
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

  var drafts = window.juraganDrafts;
  if (!drafts || !drafts.owner || !window.fetch || !window.FormData || !window.DOMParser) {
    return;
  }
  var id = drafts.owner + ":" + form.dataset.returnee;
  var limits = {
    count: Number(form.dataset.maxPhotos) || 5,
    bytes: Number(form.dataset.maxPhotoBytes) || 5 * 1024 * 1024,
    // What one request may carry, less room for the text fields.
    request: (Number(form.dataset.maxRequestBytes) || 16 * 1024 * 1024) - 256 * 1024
  };
  var photos = []; // [{name, type, blob}], as kept in the draft
  var pending = false; // sent, and not yet confirmed: sent again until it is
  var sending = false;
  var retryTimer = null;
  var retryDelay = 15000;

  function noop() {}

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.name !== "csrf_token"
        && el.type !== "submit" && el.type !== "button";
    });
  }
  function collect() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name + "=" + el.value] = el.checked;
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }
  function restore(data) {
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        var mark = data[el.name + "=" + el.value];
        if (mark !== undefined) { el.checked = mark; }
      } else if (data[el.name] !== undefined) {
        el.value = data[el.name];
      }
    });
  }
  save = function () {
    return drafts.write({
      id: id, owner: drafts.owner, returnee: form.dataset.returnee,
      url: window.location.pathname, key: form.elements.idempotency_key.value,
      fields: collect(), pending: pending, savedAt: Date.now()
    });
  };

  function say(kind, tone, detail) {
    var box = document.getElementById("draft-status");
    if (!box) { return; }
    box.className = "alert py-2 small mb-2 alert-" + tone;
    box.textContent = box.dataset[kind] || "";
    if (detail) { box.appendChild(detail); }
    box.classList.remove("d-none");
  }
  function submitButton() { return form.querySelector("button[type=submit]"); }

  // Photos -------------------------------------------------------------------
  function photoProblem(files) {
    var note = document.getElementById("photo-note").dataset;
    if (files.length > limits.count) { return note.tooMany; }
    var total = 0;
    for (var i = 0; i < files.length; i++) {
      var file = files[i];
      var looksRight = /^image\/(jpeg|png)$/.test(file.type)
        || (!file.type && /\.(jpe?g|png)$/i.test(file.name));
      if (!looksRight) { return note.notPhoto; }
      if (file.size > limits.bytes) { return note.tooBig; }
      total += file.size;
    }
    return total > limits.request ? note.tooBigTogether : "";
  }
  function showPhotos(problem) {
    var note = document.getElementById("photo-note");
    var input = form.elements.photos;
    note.textContent = "";
    note.classList.toggle("text-danger", Boolean(problem));
    if (input) { input.classList.toggle("is-invalid", Boolean(problem)); }
    if (problem) { note.textContent = problem; return; }
    if (!photos.length) { return; }
    note.textContent = note.dataset.kept + " " + photos.map(function (photo) {
      return photo.name + " (" + Math.max(1, Math.round(photo.blob.size / 1024)) + " KB)";
    }).join(", ");
    // The input shows them too (and carries them should the form go without us).
    if (input && !(input.files && input.files.length) && window.DataTransfer) {
      try {
        var chosen = new DataTransfer();
        photos.forEach(function (photo) {
          chosen.items.add(new File([photo.blob], photo.name, { type: photo.type }));
        });
        input.files = chosen.files;
      } catch (e) { /* this browser cannot set them: the list above says it */ }
    }
  }
  function choosePhotos(input) {
    var chosen = Array.prototype.slice.call(input.files || []);
    var problem = photoProblem(chosen);
    if (problem) {
      input.value = "";
      photos = [];
    } else {
      photos = chosen.map(function (file) {
        return { name: file.name, type: file.type, blob: file };
      });
    }
    showPhotos(problem);
    return drafts.writePhotos(id, photos).then(save).catch(noop);
  }

  // Sending ------------------------------------------------------------------
  function safePath(path) {
    return typeof path === "string" && path.charAt(0) === "/" && path.charAt(1) !== "/"
      && path.indexOf("\\") === -1 ? path : window.location.pathname;
  }
  function retryLater() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(send, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5 * 60 * 1000);
  }
  function unreachable() {
    say("offline", "warning");
    retryLater();
  }
  function signedOut() {
    var link = document.createElement("a");
    link.className = "alert-link ms-1";
    link.href = form.dataset.loginPath + "?next=" + encodeURIComponent(window.location.pathname);
    link.textContent = document.getElementById("draft-status").dataset.signIn;
    say("signedOut", "warning", link);
  }
  function isSignInPage(response) {
    return response.redirected && new URL(response.url).pathname === form.dataset.loginPath;
  }
  // A refused form token (the session changed since the page was opened: signed
  // in again elsewhere, a cookie gone): the form page is asked for a fresh one,
  // and the visit sent once more with it.
  function freshToken() {
    return window.fetch(window.location.pathname, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" }
    }).then(function (response) {
      if (isSignInPage(response)) { return null; }
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var token = page.querySelector("#visit-form input[name=csrf_token]");
        return token ? token.value : null;
      });
    });
  }
  function answered(response, afterFreshToken) {
    var type = response.headers.get("Content-Type") || "";
    if (response.ok && type.indexOf("application/json") === 0) {
      return response.json().then(function (answer) {
        // Confirmed: only now does the draft go.
        return drafts.remove(id).catch(noop).then(function () {
          pending = false;
          window.location.assign(safePath(answer.location));
        });
      });
    }
    if (isSignInPage(response)) {
      signedOut();
      return null;
    }
    if ([408, 429, 502, 503, 504].indexOf(response.status) !== -1) {
      say("serverAway", "warning");
      retryLater();
      return null;
    }
    if (response.status === 400 && !afterFreshToken) {
      return freshToken().then(function (token) {
        if (!token) { signedOut(); return null; }
        form.elements.csrf_token.value = token;
        return post().then(function (again) { return answered(again, true); }, unreachable);
      }, unreachable);
    }
    if (type.indexOf("application/json") === 0) {
      // An error page, written as JSON for a script that asked for JSON.
      return response.json().then(function (problem) {
        pending = false;
        var detail = document.createElement("span");
        detail.textContent = " " + (problem.message || "");
        say("refused", "danger", detail);
        return save();
      });
    }
    // Anything else is the server's word: shown as it wrote it, the draft kept.
    return response.text().then(function (html) {
      pending = false;
      var page = new DOMParser().parseFromString(html, "text/html");
      var rendered = page.getElementById("visit-form");
      if (rendered) {
        form.innerHTML = rendered.innerHTML;
        form.dataset.hasErrors = rendered.dataset.hasErrors || "yes";
        showPhotos();
        say("notSaved", "danger");
        var first = form.querySelector(".is-invalid");
        if (first) { first.focus(); }
      } else {
        var words = page.querySelectorAll("main h1, main p.lead");
        var detail = document.createElement("span");
        detail.textContent = " " + Array.prototype.map.call(words, function (el) {
          return el.textContent.trim();
        }).join(" ");
        say("refused", "danger", detail);
      }
      return save();
    });
  }
  function post() {
    var body = new FormData(form);
    if (photos.length) {
      body.delete("photos");
      photos.forEach(function (photo) { body.append("photos", photo.blob, photo.name); });
    }
    return window.fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin", cache: "no-store",
      headers: { Accept: "application/json" }
    });
  }
  function send() {
    if (sending) { return; }
    sending = true;
    pending = true;
    window.clearTimeout(retryTimer);
    var button = submitButton();
    if (button) { button.disabled = true; }
    say("sending", "info");
    save().catch(noop).then(post).then(function (response) {
      return answered(response, false);
    }, unreachable).catch(function () {
      say("refused", "danger");
    }).then(function () {
      sending = false;
      var again = submitButton();
      if (again) { again.disabled = false; }
    });
  }

  // Start --------------------------------------------------------------------
  drafts.ready.then(function () {
    return Promise.all([drafts.read(id), drafts.readPhotos(id)]);
  }).then(function (found) {
    var draft = found[0];
    if (draft && draft.owner === drafts.owner) {
      // The server's answer to a failed sending wins over the draft's fields.
      if (form.dataset.hasErrors !== "yes") {
        restore(draft.fields);
        form.elements.idempotency_key.value = draft.key;
        document.getElementById("draft-restored").classList.remove("d-none");
      }
      pending = Boolean(draft.pending);
      photos = found[1] || [];
      showPhotos();
    }
    form.addEventListener("input", function (event) {
      if (event.target.type !== "file") { save().catch(noop); }
    });
    form.addEventListener("change", function (event) {
      if (event.target.type === "file") { choosePhotos(event.target); }
      else { save().catch(noop); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send();
    });
    window.addEventListener("online", function () { if (pending) { send(); } });
    if (form.dataset.hasErrors === "yes") { save().catch(noop); }
    if (pending) {
      if (navigator.onLine === false) { unreachable(); } else { send(); }
    }
  }).catch(noop); // no draft store here: the form is sent as any form
})();
