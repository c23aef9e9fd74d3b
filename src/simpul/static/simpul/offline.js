/* Simpul offline outbox: optional, vanilla, CSP-safe (no inline script, no eval), for old Android Chrome too.
   - registers the service worker (/sw.js): it keeps static files and one page without personal data (/luring/);
   - a form carrying a hidden `idempotency_key` that is sent while offline is kept in IndexedDB, encrypted
     (AES-GCM) with a key the server derives for this person (/luring/kunci/, held in memory only): after a logout
     nobody else at the device can read it; the same person logging in again sends it;
   - it is sent again (same key, header X-Simpul-Outbox) on the `online` event and on every page load, by one tab
     only (Web Locks); it counts as sent only when the server answers with the case's reference (JSON), and a
     redirect (to the log-in page) or any other answer keeps it and says what to do;
   - the #outbox panel, at the top of the page, says the truth about each item: waiting, sending, sent (reference),
     saved (a step: continue), log in first, or not accepted (the reasons, and "Correct it" with all answers back).
   Without JavaScript none of this runs and forms post normally. Documents (photos made smaller, limits, parts)
   are the second part of this file. */
(function () {
  "use strict";
  var DB = "simpul-outbox", STORE = "items", box = document.getElementById("outbox");
  if (!box || !window.indexedDB || !window.fetch || !window.FormData || !window.crypto || !crypto.subtle) return;
  var L = box.dataset, secret = null, keyInfo = null, titles = {};
  var channel = window.BroadcastChannel ? new BroadcastChannel("simpul-outbox") : null;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(L.sw || "/sw.js", { scope: "/" }).catch(function () {});
  }

  function db() {
    return new Promise(function (ok, ko) {
      var r = indexedDB.open(DB, 2);
      r.onupgradeneeded = function () {  // version 1 kept forms in clear: dropped
        if (r.result.objectStoreNames.contains(STORE)) r.result.deleteObjectStore(STORE);
        r.result.createObjectStore(STORE, { keyPath: "key" });
      };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { ko(r.error); };
    });
  }
  function tx(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (ok, ko) {
        var t = d.transaction(STORE, mode), s = t.objectStore(STORE), out = fn(s);
        t.oncomplete = function () { d.close(); ok(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { d.close(); ko(t.error); };
      });
    });
  }
  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function changed() { if (channel) channel.postMessage("changed"); return render(); }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
  function del(key) { return tx("readwrite", function (s) { s.delete(key); }).then(changed); }

  // -- the key: fetched while online, kept in memory for this page only --------------------------------------------
  function b64(bytes) {
    var s = "", u = new Uint8Array(bytes);
    for (var i = 0; i < u.length; i += 8192) s += String.fromCharCode.apply(null, u.subarray(i, i + 8192));
    return btoa(s);
  }
  function unb64(text) {
    var s = atob(text), u = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
    return u;
  }
  function loadKey() {
    if (!navigator.onLine) return Promise.resolve(null);
    return fetch(L.keyUrl, { credentials: "same-origin", cache: "no-store", headers: { "X-Simpul-Outbox": "1" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (k) {
        if (!k || !k.key) return null;
        return crypto.subtle.importKey("raw", unb64(k.key), "AES-GCM", false, ["encrypt", "decrypt"])
          .then(function (ck) { secret = ck; keyInfo = k; return k; });
      }).catch(function () { return null; });
  }
  function seal(value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, secret, new TextEncoder().encode(JSON.stringify(value)))
      .then(function (data) { return { iv: iv, data: data }; });
  }
  function open(box_) {
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: box_.iv }, secret, box_.data)
      .then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }
  function mine(it) { return keyInfo && it.owner === keyInfo.owner; }

  // -- the panel -------------------------------------------------------------------------------------------------
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function link(li, text, href) {
    var a = el("a", text);
    a.href = href;
    li.lastChild.appendChild(document.createTextNode(" "));
    li.lastChild.appendChild(a);
    return a;
  }
  function button(li, text, fn) {
    var b = el("button", text, "link");
    b.type = "button";
    b.addEventListener("click", fn);
    li.lastChild.appendChild(document.createTextNode(" "));
    li.lastChild.appendChild(b);
  }
  function meta(it) {
    if (!mine(it) || !it.meta) return Promise.resolve(null);
    if (titles[it.key + it.state]) return Promise.resolve(titles[it.key + it.state]);
    return open(it.meta).then(function (m) { titles[it.key + it.state] = m; return m; }, function () { return null; });
  }
  function loginUrl(m) { return L.login + "?next=" + encodeURIComponent(m ? new URL(m.page).pathname : location.pathname); }
  function render() {
    return all().then(function (items) {
      items.sort(function (a, b) { return a.queued - b.queued; });
      return Promise.all(items.map(meta)).then(function (metas) {
        var list = box.querySelector("ul"), here = location.href.split("#")[0], handled = false;
        list.textContent = "";
        items.forEach(function (it, i) {
          var m = metas[i], state = !keyInfo || mine(it) ? it.state : "locked", li = el("li", "", "outbox-" + state);
          li.dataset.key = it.key;
          if (m && m.page === here && state !== "refused") handled = true;
          if (m && m.title) li.appendChild(el("strong", m.title, "outbox-title"));
          li.appendChild(el("span", L["l" + state.charAt(0).toUpperCase() + state.slice(1)] || state, "outbox-state"));
          if (state === "refused" && m && m.reasons) li.appendChild(el("span", " " + m.reasons.join(" "), "outbox-reason"));
          if (it.reference) li.appendChild(el("span", " " + L.lReference + " " + it.reference, "outbox-ref"));
          li.appendChild(el("span", "", "outbox-actions"));
          if (state === "sent" && m && m.url) link(li, L.lOpen, m.url);
          if (state === "saved" && m && m.url) {
            link(li, L.lNext, m.url).addEventListener("click", function (ev) {  // the step is done
              ev.preventDefault();
              del(it.key).then(function () { location.href = m.url; });
            });
          }
          if (state === "login" || state === "locked") link(li, L.lLogIn, loginUrl(m));
          if (state === "waiting" && navigator.onLine) button(li, L.lResend, function () { flush(); });
          if (state === "refused" && m) link(li, L.lCorrect, m.page + "#outbox-fix=" + encodeURIComponent(it.key));
          if (state === "sent" || state === "saved") {
            button(li, L.lRemove, function () { del(it.key); });
          } else if (state !== "sending") {
            button(li, L.lDiscard, function () { if (window.confirm(L.lConfirmDiscard)) del(it.key); });
          }
          list.appendChild(li);
        });
        box.hidden = items.length === 0;
        // this page's form is in the list: no second button to press (a second copy), until it is refused
        var own = document.querySelector("form input[name=idempotency_key]");
        if (own) Array.prototype.forEach.call(own.form.querySelectorAll("button[type=submit]"), function (b) {
          b.style.display = handled ? "none" : "";  // (the stylesheet's display would beat `hidden`)
        });
      });
    });
  }

  // -- sending ---------------------------------------------------------------------------------------------------
  function formData(payload) {
    var body = new FormData();
    payload.fields.forEach(function (f) {
      var v = f[1];
      if (f[0] === "csrfmiddlewaretoken") v = keyInfo.csrf;  // the token of the page it was queued on may be stale
      if (v && v.file !== undefined) body.append(f[0], new Blob([unb64(v.file)], { type: v.type }), v.name);
      else body.append(f[0], v);
    });
    return body;
  }
  function settle(it, state, extra, metaChanges) {
    it.state = state;
    for (var k in extra) it[k] = extra[k];
    if (!metaChanges) return put(it);
    return open(it.meta).then(function (m) {
      for (var n in metaChanges) m[n] = metaChanges[n];
      return seal(m);
    }).then(function (sealed) { it.meta = sealed; return put(it); });
  }
  function answered(it, resp) {
    if (resp.type === "opaqueredirect" || resp.status === 401 || resp.status === 403) {
      return settle(it, "login", {});  // an idle logout, an expired session: kept, and the person is told to log in
    }
    if (resp.status >= 500 || resp.status === 429 || resp.status === 409) return settle(it, "waiting", {});
    return resp.json().then(function (ans) {
      if (ans.status === "sent" && ans.reference) {  // the answers are deleted: the office has them
        sentNow = true;
        return settle(it, "sent", { reference: ans.reference, payload: null }, { url: ans.url });
      }
      if (ans.status === "saved") return settle(it, "saved", { payload: null }, { url: ans.url });
      if (ans.status === "refused") return settle(it, "refused", {}, { reasons: ans.errors || [] });
      return settle(it, "login", {});
    }, function () { return settle(it, "login", {}); });  // a page, not an answer: most likely the log-in page
  }
  function send(it) {
    return Promise.all([open(it.payload), open(it.meta)]).then(function (opened) {
      var payload = opened[0];
      return settle(it, "sending", {}).then(changed).then(function () {
        return fetch(opened[1].action, { method: "POST", body: formData(payload), credentials: "same-origin",
                                  redirect: "manual", headers: { "X-Simpul-Outbox": "1", "X-CSRFToken": keyInfo.csrf } });
      });
    }).then(function (resp) { return answered(it, resp); }, function () {
      return it.state === "sending" ? settle(it, "waiting", {}) : null;  // still no connection
    });
  }
  function sendAll() {
    return all().then(function (items) {  // read again inside the lock: another tab may have sent them meanwhile
      return items.filter(function (it) {
        return mine(it) && it.payload && (it.state === "waiting" || it.state === "sending" || it.state === "login");
      }).reduce(function (p, it) { return p.then(function () { return send(it); }); }, Promise.resolve());
    });
  }
  var flushing = false, sentNow = false;
  function flush() {
    if (flushing || !navigator.onLine || !secret) return render();
    flushing = true;
    var run = navigator.locks ? navigator.locks.request("simpul-outbox", sendAll) : sendAll();
    return run.then(function () {
      flushing = false;
      // a list of the day's applications (the operator's) was drawn before this one arrived: draw it again
      if (sentNow && document.querySelector("[data-outbox-refresh]")) { sentNow = false; location.reload(); }
      return changed();
    }, function () { flushing = false; })
      .then(retryLater);
  }

  // the `online` event can come before the link really carries traffic: retry waiting items, backing off to 1 min
  var delay = 2000, timer = null;
  function retryLater() {
    return all().then(function (items) {
      var waiting = items.some(function (it) { return mine(it) && it.state === "waiting"; });
      if (!waiting) { delay = 2000; return; }
      if (timer) return;
      timer = setTimeout(function () { timer = null; flush(); }, delay);
      delay = Math.min(delay * 2, 60000);
    });
  }

  // -- queueing: exactly what the form would send (no part for a file input left empty) -------------------------
  function field(k, v) {
    if (!(v instanceof Blob)) return Promise.resolve([k, v]);
    if (!v.size && !v.name) return Promise.resolve(null);  // an empty file input: a browser sends no file
    return new Response(v).arrayBuffer().then(function (buf) {
      return [k, { file: b64(buf), name: v.name || "file", type: v.type || "application/octet-stream" }];
    });
  }
  function queue(form, submitter) {
    var key = form.querySelector("input[name=idempotency_key]").value, data, entries = [];
    try { data = new FormData(form, submitter); } catch (e) { data = new FormData(form); }
    if (submitter && submitter.name && !data.has(submitter.name)) data.append(submitter.name, submitter.value || "1");
    data.forEach(function (v, k) { entries.push(field(k, v)); });
    // everything that could open the application again (its address, its key) is encrypted with the answers
    var m = { title: form.dataset.outboxTitle || document.title, idem: key, action: form.action || location.href,
              page: location.href.split("#")[0] };
    return Promise.all(entries).then(function (fields) {
      return Promise.all([seal({ fields: fields.filter(Boolean) }), seal(m)]);
    }).then(function (sealed) {
      var id = b64(crypto.getRandomValues(new Uint8Array(12)));
      return put({ key: id, owner: keyInfo.owner, payload: sealed[0], meta: sealed[1], state: "waiting",
                   queued: Date.now() });
    }).then(changed).then(function () { box.focus(); box.scrollIntoView(); });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (navigator.onLine || !secret || !form.querySelector || !form.querySelector("input[name=idempotency_key]")) return;
    if ((form.method || "").toLowerCase() !== "post") return;
    ev.preventDefault();
    queue(form, ev.submitter);
  });

  // "Correct it": the form opens again with everything that was entered, ticked boxes and files included
  function refill() {
    var m = location.hash.match(/^#outbox-fix=(.+)$/);
    if (!m || !secret) return;
    var key = decodeURIComponent(m[1]);
    all().then(function (items) {
      var it = items.filter(function (x) { return x.key === key && mine(x) && x.payload; })[0];
      if (!it) return;
      open(it.payload).then(function (payload) {
        var form = document.querySelector("form input[name=idempotency_key]");
        form = form && form.form;
        if (!form) return;
        payload.fields.forEach(function (f) {
          var name = f[0], v = f[1];
          if (name === "csrfmiddlewaretoken" || name === "idempotency_key") return;
          Array.prototype.forEach.call(form.elements, function (input) {
            if (input.name !== name) return;
            if (input.type === "checkbox" || input.type === "radio") {
              if (input.value === v || (v === "on" && input.value === "on")) input.checked = true;
            } else if (input.type === "file") {
              if (v && v.file !== undefined && window.DataTransfer) {
                var dt = new DataTransfer();
                dt.items.add(new File([unb64(v.file)], v.name, { type: v.type }));
                input.files = dt.files;
              }
            } else if (input.type !== "submit" && input.type !== "button" && typeof v === "string") {
              input.value = v;
            }
          });
        });
      });
    });
  }

  // the confirmation of a case sent by hand: its queued copies (same idempotency key) are done
  function acknowledged() {
    var sent = document.querySelector("[data-outbox-sent]");
    if (!sent) return Promise.resolve();
    var key = sent.getAttribute("data-outbox-sent");
    return all().then(function (items) {
      return Promise.all(items.filter(mine).map(function (it) {
        return open(it.meta).then(function (m) { if (m.idem === key && it.state !== "sent") return del(it.key); });
      }));
    });
  }

  // Logging out or handing the device to another operator deletes this device's pages and outbox (the server
  // sends Clear-Site-Data): forms not sent yet are deleted only when the person says so.
  document.addEventListener("submit", function (ev) {
    var action = ev.target.action || "";
    if (!/\/(akun\/keluar|kantor\/desa\/ganti)\/$/.test(action) || ev.target.dataset.confirmed) return;
    ev.preventDefault();
    all().then(function (items) {
      var unsent = items.some(function (it) { return it.state !== "sent" && it.state !== "saved"; });
      if (unsent && !window.confirm(L.lConfirmLogout)) return;
      ev.target.dataset.confirmed = "1";
      var done = window.caches ? caches.keys().then(function (keys) {
        return Promise.all(keys.map(function (k) { return caches.delete(k); }));
      }) : Promise.resolve();
      done.then(function () { return tx("readwrite", function (s) { s.clear(); }); }, function () {})
        .then(function () { ev.target.submit(); }, function () { ev.target.submit(); });
    }, function () { ev.target.dataset.confirmed = "1"; ev.target.submit(); });
  });

  if (channel) channel.onmessage = function () { render(); };
  window.addEventListener("hashchange", refill);
  window.addEventListener("offline", render);
  window.addEventListener("online", function () { (secret ? Promise.resolve() : loadKey()).then(flush); });
  box.appendChild(el("ul"));
  loadKey().then(acknowledged).then(function () { refill(); return flush(); });
})();

/* Documents: photos made smaller on the device, files measured before they are sent, big files sent in parts.
   Apart from the outbox (it needs no key): it runs wherever the browser can, and each piece only where its
   browser feature exists. Without JavaScript the form posts the whole files, and the server does the same checks
   in the same words (and makes photos smaller itself).
   - A photo (JPG, PNG, WebP) over 400 KB is redrawn upright at 1600 px on its long side as a JPEG (no EXIF, so no
     GPS position leaves the phone): 3-5 MB becomes ~300 KB. createImageBitmap needs no blob: URL (strict CSP).
     Where it cannot, the photo goes as it is. A form waits for its photos before it is sent.
   - A file over its input's limit (data-max-bytes for a PDF, data-photo-max-bytes for a photo) is refused on the
     device in the server's words (data-too-large, data-photo-too-large, written in the page's language).
   - Files over 256 KB go up in parts (/api/v1/uploads/), each checked by SHA-256: when the link drops, the upload
     asks the server which parts it has and sends only the rest. The server checks each file when its upload
     opens (size, type from its first 4 KB), before any part; it answers in the page's language (Accept-Language
     is the page's <html lang>). A refused file is remembered: pressing Continue again with it sends nothing. An
     upload given up is removed on the server at once.
   - Every refusal goes where the server puts its own: into the page's error summary (a link to the file input)
     and above the input (its aria-describedby), and the summary takes the focus when the form is stopped. */
(function () {
  "use strict";
  if (!document.querySelector || !window.Promise || !Element.prototype.closest) return;
  var box = document.getElementById("outbox"), L = box ? box.dataset : {};
  var SIDE = 1600, CHUNK_FROM = 256 * 1024, HEAD = 4096, pending = [], refusedFiles = {};
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function fileKey(file) { return [file.name, file.size, file.lastModified].join("\n"); }
  function chosen(input) { return input.files && input.files[0]; }

  // -- photos made smaller -----------------------------------------------------------------------------------------
  function canShrink(file) {
    return /^image\/(jpeg|png|webp)$/.test(file.type) && file.size >= 400 * 1024 && !!window.createImageBitmap &&
      !!window.DataTransfer && !!HTMLCanvasElement.prototype.toBlob;
  }
  function shrink(input, file) {
    var jpeg = !input.accept || /\.jpe?g\b/i.test(input.accept), type = jpeg ? "image/jpeg" : "image/png";
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, SIDE / Math.max(bitmap.width, bitmap.height)), canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      var g = canvas.getContext("2d");
      g.fillStyle = "#fff";  // a JPEG has no transparency: white, not black, behind a PNG's clear parts
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (ok) { canvas.toBlob(ok, type, 0.82); });
    }).then(function (blob) {
      if (!blob || blob.size >= file.size || chosen(input) !== file) return;  // not smaller, or another file chosen
      var dt = new DataTransfer();
      dt.items.add(new File([blob], file.name.replace(/\.\w+$/, "") + (jpeg ? ".jpg" : ".png"),
                            { type: type, lastModified: file.lastModified }));
      input.files = dt.files;
    }).catch(function () {});  // sent as it is: the server makes it smaller
  }

  // -- limits, in the server's words -------------------------------------------------------------------------------
  function halfEven(x) { var r = Math.round(x); return (Math.abs(x % 1) === 0.5 && r % 2) ? r - 1 : r; }
  function humanBytes(n, mark) {  // as simpul.core.files.human_bytes, with the page language's decimal mark
    var MB = 1024 * 1024;
    if (n >= MB) return (n % MB === 0 ? String(n / MB) : (halfEven(n * 10 / MB) / 10).toFixed(1).replace(".", mark || ".")) + " MB";
    return Math.max(1, halfEven(n / 1024)) + " KB";
  }
  function tooLarge(input, file) {
    var d = input.dataset, photo = !!d.photoMaxBytes && /^image\//.test(file.type);
    var max = Number((photo ? d.photoMaxBytes : d.maxBytes) || 0), text = photo ? d.photoTooLarge : d.tooLarge;
    if (!max || file.size <= max || !text) return "";
    return text.replace(/\{(name|size)\}/g, function (all, key) {
      return key === "name" ? file.name : humanBytes(file.size, d.decimalMark);
    });
  }
  function refusal(input) {
    var file = chosen(input);
    return file ? (tooLarge(input, file) || refusedFiles[fileKey(file)] || "") : "";
  }

  // -- errors where the server puts them: the summary, and above the field -----------------------------------------
  function summary(form, make) {
    var s = document.querySelector(".error-summary");
    if (s || !make) return s;
    s = el("div", "", "error-summary");
    s.setAttribute("role", "alert");
    s.tabIndex = -1;
    s.appendChild(el("h2", form.dataset.errorTitle));
    s.appendChild(el("ul"));
    var h1 = document.querySelector("main h1");
    if (h1) h1.parentNode.insertBefore(s, h1.nextSibling); else form.parentNode.insertBefore(s, form);
    return s;
  }
  function showError(input, text) {
    var id = input.id + "_err", list = document.getElementById(id), field = input.closest(".field") || input.parentNode;
    if (!list) {
      var box = input.closest(".file-box") || input;  // the list goes above the box, as the server puts it
      list = el("ul", "", "errorlist");
      list.id = id;
      box.parentNode.insertBefore(list, box);
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + id).trim());
    }
    list.textContent = "";
    list.appendChild(el("li", text));
    field.classList.add("has-error");
    var s = summary(input.form, true), link = s.querySelector('a[href="#' + input.id + '"]');
    if (!link) {
      link = el("a");
      link.href = "#" + input.id;
      s.querySelector("ul").appendChild(el("li")).appendChild(link);
    }
    link.textContent = text;
  }
  function clearError(input) {
    var id = input.id + "_err", list = document.getElementById(id), s = summary(input.form, false);
    if (list) {
      list.remove();
      input.setAttribute("aria-describedby", (input.getAttribute("aria-describedby") || "").replace(id, "").trim());
      (input.closest(".field") || input.parentNode).classList.remove("has-error");
    }
    if (!s) return;
    each(s.querySelectorAll('a[href="#' + input.id + '"]'), function (a) { a.parentNode.remove(); });
    if (!s.querySelector("li")) s.remove();
  }
  document.addEventListener("click", function (ev) {  // a summary link puts the cursor in its field
    var a = ev.target.closest && ev.target.closest(".error-summary a[href^='#']"), target = a && document.getElementById(a.hash.slice(1));
    if (!target) return;
    ev.preventDefault();
    target.focus();
    (target.closest(".field") || target).scrollIntoView();
  });
  function stopped(form, inputs) {  // shows every refusal; true when there was one
    var any = false;
    inputs.forEach(function (i) { var why = refusal(i); if (why) { showError(i, why); any = true; } });
    if (any) summary(form, false).focus();
    return any;
  }

  document.addEventListener("change", function (ev) {
    var input = ev.target, file = chosen(input);
    if (input.type !== "file" || !input.dataset || !input.dataset.maxBytes) return;
    clearError(input);
    if (!file) return;
    var done = (canShrink(file) ? shrink(input, file) : Promise.resolve()).then(function () {
      pending.splice(pending.indexOf(done), 1);
      if (refusal(input)) showError(input, refusal(input));
    });
    pending.push(done);
  });

  // -- big files in parts ------------------------------------------------------------------------------------------
  function hex(buf) {
    return Array.prototype.map.call(new Uint8Array(buf), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function base64(buf) {
    var bytes = new Uint8Array(buf), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  }
  function sha(blob) {
    return blob.arrayBuffer().then(function (b) { return crypto.subtle.digest("SHA-256", b); }).then(hex);
  }
  function json(url, method, body) {
    return fetch(url, { method: method, credentials: "same-origin", body: body ? JSON.stringify(body) : undefined,
                        headers: { "Content-Type": "application/json", "Accept-Language": document.documentElement.lang || "id" } })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (d) { d._status = r.status; return d; }); });
  }
  function wait(ms) { return new Promise(function (ok) { setTimeout(ok, ms); }); }
  function failed(answer) {  // a refusal a person can act on is shown as the server says it; anything else plainly
    var e = new Error(/^(document_refused|upload_quota|upload_space_full)$/.test(answer.code || "") ? answer.detail : "");
    e.final = true;
    e.refused = answer.code === "document_refused";
    return e;
  }
  function abandon(up) {  // best effort: when the link is down, the server removes it after 24 hours
    return fetch("/api/v1/uploads/" + up.id + "/", { method: "DELETE", credentials: "same-origin" }).catch(function () {});
  }
  function openUpload(file, draft, code) {  // the server checks the file against the document first
    return Promise.all([sha(file), file.slice(0, HEAD).arrayBuffer()]).then(function (got) {
      return json("/api/v1/uploads/", "POST", { filename: file.name, size: file.size, sha256: got[0], draft: draft,
                                                document: code, head: base64(got[1]) })
        .then(function (up) {
          if (up._status !== 201) throw failed(up);
          up.digest = got[0];
          return up;
        });
    });
  }
  function chunked(file, up, draft, code, say) {
    var url = "/api/v1/uploads/" + up.id + "/", tries = 0;
    function round() {
      return json(url, "GET").then(function (st) {
        return st.missing.reduce(function (p, n) {
          return p.then(function () {
            var part = file.slice(n * up.chunk_size, (n + 1) * up.chunk_size);
            say((L.lUploading || "") + " " + file.name + ": " + (n + 1) + "/" + up.chunks);
            return sha(part).then(function (h) {
              return fetch(url + "chunks/" + n + "/", { method: "PUT", body: part, headers: { "X-Chunk-SHA256": h } });
            });
          });
        }, Promise.resolve());
      }).then(function () {
        return json(url + "finalize/", "POST", { sha256: up.digest, draft: draft, document: code });
      }).then(function (fin) {
        if (fin._status === 200) return fin;
        if (fin._status === 409 || fin._status === 422) throw new Error("retry");
        throw failed(fin);  // refused: the server dropped its parts already
      }).catch(function (err) {
        if (err.final) throw err;
        if (++tries > 30) { abandon(up); throw err; }
        say(L.lResuming || "");
        return wait(Math.min(2000 * tries, 30000)).then(round);  // resume: ask what the server has
      });
    }
    return round();
  }
  function inParts(form, big, draft) {
    var note = form.querySelector(".upload-progress") || el("p", "", "upload-progress"), opened = [], errors = [];
    note.setAttribute("role", "status");
    form.insertBefore(note, form.querySelector("button"));
    function say(text) { note.textContent = text; }
    function refuse(input, file, err) {
      var text = err.message || (form.dataset.sendFailed || "").replace("{name}", file.name);
      if (err.refused) refusedFiles[fileKey(file)] = text;
      errors.push([input, text]);
    }
    return big.reduce(function (p, input) {  // every file is checked before any part of any is sent
      return p.then(function () {
        var file = chosen(input);
        return openUpload(file, draft, input.name).then(function (up) { opened.push([input, file, up]); },
                                                        function (err) { refuse(input, file, err); });
      });
    }, Promise.resolve()).then(function () {
      if (errors.length) throw new Error("");
      return opened.reduce(function (p, o) {
        return p.then(function () {
          return chunked(o[1], o[2], draft, o[0].name, say).then(function () { o[3] = true; o[0].value = ""; }, function (err) {
            o[3] = true;  // refused (its parts are gone) or given up (abandoned)
            refuse(o[0], o[1], err);
            throw err;
          });
        });
      }, Promise.resolve());
    }).catch(function (err) {
      opened.forEach(function (o) { if (!o[3]) abandon(o[2]); });  // what was opened but not sent is not kept
      say("");
      errors.forEach(function (e) { showError(e[0], e[1]); });
      throw err;
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (ev.defaultPrevented || !form.querySelectorAll || form.dataset.checked) return;
    var inputs = Array.prototype.filter.call(form.querySelectorAll("input[type=file][data-max-bytes]"), chosen);
    if (!inputs.length) return;
    var match = location.pathname.match(/\/ajukan\/([^/]+)\/dokumen\/$/), parts = !!(match && navigator.onLine &&
      window.crypto && crypto.subtle && window.fetch && Blob.prototype.arrayBuffer);
    var big = function () { return parts ? inputs.filter(function (i) { return chosen(i).size > CHUNK_FROM; }) : []; };
    if (!pending.length) {  // nothing to wait for: stopped here, or sent as a plain form
      if (stopped(form, inputs)) ev.preventDefault();
      if (ev.defaultPrevented || !big().length) return;
    }
    ev.preventDefault();
    var submitter = ev.submitter;
    Promise.all(pending).then(function () {
      if (stopped(form, inputs)) throw new Error("");
      return big().length ? inParts(form, big(), match[1]) : null;
    }).then(function () {
      if (submitter && submitter.name) {
        var h = document.createElement("input");
        h.type = "hidden"; h.name = submitter.name; h.value = submitter.value || "1";
        form.appendChild(h);
      }
      form.dataset.checked = "1";
      form.submit();
    }, function () {
      var s = summary(form, false);
      if (s) s.focus();
    });
  });
})();
