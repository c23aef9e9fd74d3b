/* Simpul offline outbox: optional, vanilla, CSP-safe (no inline script, no eval).
   - registers the service worker (/sw.js) that keeps the app shell and the form pages the user opened;
   - a form carrying a hidden `idempotency_key` that is sent while offline is kept in IndexedDB with that key
     and sent again on the `online` event and on every page load (Background Sync is not everywhere);
   - the #outbox list shows each item: waiting, sending, sent (with its reference), refused (with the reason;
     the data stays to correct and send again). Sending the same item twice makes one case (same key).
   Without JavaScript none of this runs and forms post normally. */
(function () {
  "use strict";
  var DB = "simpul-outbox", STORE = "items", box = document.getElementById("outbox");
  if (!box || !window.indexedDB || !window.fetch || !window.FormData) return;
  var L = box.dataset;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(box.dataset.sw || "/sw.js", { scope: "/" }).catch(function () {});
  }

  function db() {
    return new Promise(function (ok, ko) {
      var r = indexedDB.open(DB, 1);
      r.onupgradeneeded = function () { r.result.createObjectStore(STORE, { keyPath: "key" }); };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { ko(r.error); };
    });
  }
  function tx(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (ok, ko) {
        var t = d.transaction(STORE, mode), s = t.objectStore(STORE), out = fn(s);
        t.oncomplete = function () { ok(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { ko(t.error); };
      });
    });
  }
  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
  function del(key) { return tx("readwrite", function (s) { s.delete(key); }); }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function render() {
    return all().then(function (items) {
      var list = box.querySelector("ul");
      list.textContent = "";
      items.forEach(function (it) {
        var li = el("li", (it.title || it.action) + ": ", "outbox-" + it.state);
        li.dataset.key = it.key;
        li.appendChild(el("strong", L["l" + it.state.charAt(0).toUpperCase() + it.state.slice(1)] || it.state));
        if (it.reference) li.appendChild(el("span", " " + L.lReference + " " + it.reference, "outbox-ref"));
        if (it.state === "sent" && it.done) {
          var next = el("a", L.lOpen);
          next.href = it.done;
          li.appendChild(document.createTextNode(" "));
          li.appendChild(next);
        }
        if (it.reason) li.appendChild(el("span", " " + it.reason, "outbox-reason"));
        if (it.state === "refused" || it.state === "waiting") {
          var again = el("button", L.lResend, "link");
          again.type = "button";
          again.addEventListener("click", function () { it.state = "waiting"; put(it).then(flush); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(again);
          if (it.page) {
            var fix = el("a", L.lCorrect);
            fix.href = it.page;
            li.appendChild(document.createTextNode(" "));
            li.appendChild(fix);
          }
        }
        if (it.state === "sent" || it.state === "refused") {
          var drop = el("button", L.lRemove, "link");
          drop.type = "button";
          drop.addEventListener("click", function () { del(it.key).then(render); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(drop);
        }
        list.appendChild(li);
      });
      box.hidden = items.length === 0;
    });
  }

  function reasonOf(doc) {
    var s = doc.querySelector(".error-summary ul") || doc.querySelector(".error-summary") || doc.querySelector("h1");
    return s ? s.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function send(it) {
    var body = new FormData();
    it.fields.forEach(function (f) { if (f.length > 2) body.append(f[0], f[1], f[2]); else body.append(f[0], f[1]); });
    it.state = "sending";
    return put(it).then(render).then(function () {
      return fetch(it.action, { method: "POST", body: body, credentials: "same-origin", redirect: "follow",
                                headers: { "X-Simpul-Outbox": "1" } });
    }).then(function (resp) {
      return resp.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html"), ref = doc.querySelector(".big");
        if (resp.ok && resp.redirected) {
          it.state = "sent";  // accepted: the confirmation (with its reference) or the form's next page
          it.reference = ref && /\/terkirim\//.test(resp.url) ? ref.textContent.trim() : "";
          it.reason = "";
          it.fields = [];  // nothing personal kept once the server has it
          it.done = resp.url;
        } else if (resp.status >= 500 || resp.status === 429) {
          it.state = "waiting";  // the server is busy: try again later
        } else {
          it.state = "refused";
          it.reason = reasonOf(doc) || String(resp.status);
        }
        return put(it);
      });
    }, function () {
      it.state = "waiting";  // still no connection
      return put(it);
    });
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return render();
    flushing = true;
    return all().then(function (items) {
      return items.filter(function (it) { return it.state === "waiting" || it.state === "sending"; })
        .reduce(function (p, it) { return p.then(function () { return send(it); }); }, Promise.resolve());
    }).then(function () { flushing = false; return render(); }, function () { flushing = false; })
      .then(retryLater);
  }

  // the `online` event can come before the link really carries traffic: retry waiting items, backing off to 1 min
  var delay = 2000, timer = null;
  function retryLater() {
    return all().then(function (items) {
      var waiting = items.some(function (it) { return it.state === "waiting"; });
      if (!waiting) { delay = 2000; return; }
      if (timer) return;
      timer = setTimeout(function () { timer = null; flush(); }, delay);
      delay = Math.min(delay * 2, 60000);
    });
  }

  function queue(form, submitter) {
    var fields = [], key = form.querySelector("input[name=idempotency_key]").value, data;
    try { data = new FormData(form, submitter); } catch (e) { data = new FormData(form); }
    data.forEach(function (v, k) {
      fields.push(v instanceof Blob ? [k, v, v.name || "file"] : [k, v]);
    });
    var h1 = document.querySelector("h1");
    return put({ key: key + " " + (form.action || location.href), idempotencyKey: key, action: form.action || location.href, page: location.href, fields: fields,
                 title: h1 ? h1.textContent.trim() : "", state: "waiting", queued: Date.now() })
      .then(render).then(function () { box.focus(); });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (navigator.onLine || !form.querySelector || !form.querySelector("input[name=idempotency_key]")) return;
    if ((form.method || "").toLowerCase() !== "post") return;
    ev.preventDefault();
    queue(form, ev.submitter);
  });

  /* Photos are shrunk on the device before upload (long side 1600 px, JPEG): a phone photo of 3-5 MB becomes
     ~300 KB. createImageBitmap needs no blob: URL, so the CSP stays strict. */
  var CHUNK_FROM = 256 * 1024;
  document.addEventListener("change", function (ev) {
    var input = ev.target, file = input.files && input.files[0];
    if (!file || input.type !== "file" || !/^image\/(jpeg|png)$/.test(file.type) || file.size < 400 * 1024) return;
    if (!window.createImageBitmap || !window.DataTransfer) return;
    createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height)), canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        if (!blob || blob.size >= file.size) return;
        var dt = new DataTransfer();
        dt.items.add(new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }));
        input.files = dt.files;
      }, "image/jpeg", 0.82);
    }).catch(function () {});
  });

  /* Documents larger than 256 KB go up in parts (/api/v1/uploads/), each checked by SHA-256: when the link drops,
     the upload asks the server which parts it has and sends only the rest. */
  function hex(buf) {
    return Array.prototype.map.call(new Uint8Array(buf), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function sha(blob) {
    return blob.arrayBuffer().then(function (b) { return crypto.subtle.digest("SHA-256", b); }).then(hex);
  }
  function json(url, method, body) {
    return fetch(url, { method: method, headers: { "Content-Type": "application/json" }, credentials: "same-origin",
                        body: body ? JSON.stringify(body) : undefined })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (d) { d._status = r.status; return d; }); });
  }
  function wait(ms) { return new Promise(function (ok) { setTimeout(ok, ms); }); }
  function chunked(file, draft, code, say) {
    return sha(file).then(function (digest) {
      return json("/api/v1/uploads/", "POST", { filename: file.name, size: file.size, sha256: digest })
        .then(function (up) {
          if (up._status !== 201) throw new Error(up.detail || "upload");
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
              return json(url + "finalize/", "POST", { sha256: digest, draft: draft, document: code });
            }).then(function (fin) {
              if (fin._status === 200) return fin;
              if (fin._status === 409 || fin._status === 422) throw new Error("retry");
              var e = new Error(fin.detail || "refused"); e.final = true; throw e;
            }).catch(function (err) {
              if (err.final || ++tries > 30) throw err;
              say(L.lResuming || "");
              return wait(Math.min(2000 * tries, 30000)).then(round);  // resume: ask what the server has
            });
          }
          return round();
        });
    });
  }
  document.addEventListener("submit", function (ev) {
    var form = ev.target, match = location.pathname.match(/\/ajukan\/([^/]+)\/dokumen\/$/);
    if (!match || !navigator.onLine || !window.crypto || !crypto.subtle || form.dataset.chunked) return;
    var big = Array.prototype.filter.call(form.querySelectorAll("input[type=file]"), function (i) {
      return i.files && i.files[0] && i.files[0].size > CHUNK_FROM;
    });
    if (!big.length) return;
    ev.preventDefault();
    var note = form.querySelector(".upload-progress") || el("p", "", "upload-progress");
    note.setAttribute("role", "status");
    form.insertBefore(note, form.querySelector("button"));
    function say(text) { note.textContent = text; }
    var submitter = ev.submitter;
    big.reduce(function (p, input) {
      return p.then(function () {
        return chunked(input.files[0], match[1], input.name, say).then(function () { input.value = ""; });
      });
    }, Promise.resolve()).then(function () {
      if (submitter && submitter.name) {
        var h = document.createElement("input");
        h.type = "hidden"; h.name = submitter.name; h.value = submitter.value || "1";
        form.appendChild(h);
      }
      form.dataset.chunked = "1";
      form.submit();
    }, function (err) { say(err.message); });
  });

  // logging out or handing the device to another operator forgets the pages kept for offline use
  document.addEventListener("submit", function (ev) {
    var action = ev.target.action || "";
    if (window.caches && /\/(akun\/keluar|kantor\/desa\/ganti)\/$/.test(action)) caches.delete("simpul-v1");
  });

  window.addEventListener("online", flush);
  box.appendChild(el("ul"));
  flush();
})();
