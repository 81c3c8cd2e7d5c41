// Visit drafts kept on this phone until the server confirms them (IndexedDB; what
// is kept and for how long: docs/offline-visits.md). On every page: drafts of
// another account are deleted before anything can show them, so are drafts older
// than a week and the one whose visit the page says is saved; signing out
// deletes them all. visit-draft.js writes and sends them.
(function () {
  "use strict";
  var DATABASE = "juragan-drafts";
  var VISITS = "visits"; // text fields, idempotency key, owner, returnee
  var PHOTOS = "photos"; // the photo files of a draft, apart: written only when chosen
  var MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

  // Drafts of an earlier version of this page (localStorage, text only).
  try {
    Object.keys(window.localStorage).forEach(function (name) {
      if (name.indexOf("visit-draft:") === 0) { window.localStorage.removeItem(name); }
    });
  } catch (e) { /* no storage */ }

  if (!window.indexedDB || !window.Promise) { return; }
  var owner = document.body.dataset.draftOwner || "";

  var opened = null;
  function database() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var request = window.indexedDB.open(DATABASE, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(VISITS, { keyPath: "id" });
          request.result.createObjectStore(PHOTOS, { keyPath: "id" });
        };
        request.onsuccess = function () {
          var db = request.result;
          // Another tab deleting the database (signing out) must not wait for us.
          db.onversionchange = function () { db.close(); opened = null; };
          resolve(db);
        };
        request.onerror = function () { reject(request.error); };
        request.onblocked = function () { reject(new Error("blocked")); };
      });
      opened.catch(function () { opened = null; });
    }
    return opened;
  }

  // One transaction over the given stores; resolves with work's result once the
  // transaction has committed (so a resolved write is on disk).
  function transact(stores, mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(stores, mode);
        var result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
        work(tx, function (value) { result = value; });
      });
    });
  }
  function read(store, key) {
    return transact([store], "readonly", function (tx, done) {
      tx.objectStore(store).get(key).onsuccess = function (event) { done(event.target.result); };
    });
  }
  function everyDraft() {
    return transact([VISITS], "readonly", function (tx, done) {
      tx.objectStore(VISITS).getAll().onsuccess = function (event) { done(event.target.result || []); };
    });
  }
  function photoKeys() {
    return transact([PHOTOS], "readonly", function (tx, done) {
      tx.objectStore(PHOTOS).getAllKeys().onsuccess = function (event) { done(event.target.result || []); };
    });
  }
  function remove(id) {
    return transact([VISITS, PHOTOS], "readwrite", function (tx) {
      tx.objectStore(VISITS).delete(id);
      tx.objectStore(PHOTOS).delete(id);
    });
  }
  function clearAll() {
    return transact([VISITS, PHOTOS], "readwrite", function (tx) {
      tx.objectStore(VISITS).clear();
      tx.objectStore(PHOTOS).clear();
    });
  }

  var savedMarker = document.querySelector("[data-saved-visit-key]");
  var savedKey = savedMarker ? savedMarker.dataset.savedVisitKey : "";

  // Signed out, drafts wait (a session that ran out is no sign-out: its mentor
  // signs in again to send them); they are shown only to their own account,
  // and the first page anyone else opens signed in deletes them.
  var tidied = everyDraft().then(function (drafts) {
    var now = Date.now();
    var doomed = drafts.filter(function (draft) {
      return (owner && draft.owner !== owner) || !(now - draft.savedAt < MAX_AGE_MS)
        || (savedKey && draft.key === savedKey);
    });
    var kept = drafts.filter(function (draft) { return doomed.indexOf(draft) === -1; });
    var keptIds = kept.map(function (draft) { return draft.id; });
    return photoKeys().then(function (keys) {
      // Photos whose draft is gone (a write cut short) go too.
      var orphans = keys.filter(function (key) { return keptIds.indexOf(key) === -1; });
      var ids = doomed.map(function (draft) { return draft.id; }).concat(orphans);
      return Promise.all(ids.map(remove));
    }).then(function () { return kept; });
  });
  tidied.catch(function () { /* no storage here: nothing is kept either */ });

  function mine() {
    return tidied.then(everyDraft).then(function (drafts) {
      return owner ? drafts.filter(function (draft) { return draft.owner === owner; }) : [];
    });
  }

  // Elsewhere than its own form, a visit that was sent but not confirmed is named.
  var unsent = document.getElementById("unsent-visits");
  if (unsent) {
    mine().then(function (drafts) {
      var waiting = drafts.filter(function (draft) {
        return draft.pending && /^\/mentoring\/returnees\/\d+\/visit$/.test(draft.url)
          && draft.url !== window.location.pathname;
      });
      if (!waiting.length) { return; }
      var links = unsent.querySelector(".js-links");
      waiting.forEach(function (draft, index) {
        var link = document.createElement("a");
        link.href = draft.url;
        link.className = "alert-link";
        link.textContent = unsent.dataset.open + (waiting.length > 1 ? " (" + (index + 1) + ")" : "");
        if (index) { links.appendChild(document.createTextNode(" · ")); }
        links.appendChild(link);
      });
      unsent.classList.remove("d-none");
    }).catch(function () {});
  }

  // Signing out: the drafts go first, then the form is sent. Should the storage
  // not answer, the form is sent all the same (the response clears the site's
  // storage as well).
  document.querySelectorAll("form.js-sign-out").forEach(function (form) {
    var leaving = false;
    form.addEventListener("submit", function (event) {
      if (leaving) { return; }
      event.preventDefault();
      var go = function () {
        if (leaving) { return; }
        leaving = true;
        form.submit();
      };
      var late = window.setTimeout(go, 3000);
      mine().then(function (drafts) {
        if (drafts.length) {
          window.clearTimeout(late); // someone is asked: no hurry, and no going on a "no"
          if (!window.confirm(form.dataset.confirmUnsent)) { return; }
          late = window.setTimeout(go, 3000);
        }
        return clearAll().then(go, go);
      }).catch(go);
    });
  });

  window.juraganDrafts = {
    owner: owner,
    ready: tidied,
    read: function (id) { return read(VISITS, id); },
    readPhotos: function (id) {
      return read(PHOTOS, id).then(function (row) { return row ? row.files : []; });
    },
    write: function (draft) {
      return transact([VISITS], "readwrite", function (tx) { tx.objectStore(VISITS).put(draft); });
    },
    writePhotos: function (id, files) {
      return transact([PHOTOS], "readwrite", function (tx) {
        if (files.length) { tx.objectStore(PHOTOS).put({ id: id, files: files }); }
        else { tx.objectStore(PHOTOS).delete(id); }
      });
    },
    remove: remove
  };
})();
