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
  function willShrink(file) {
    return /^image\/(jpeg|png)$/.test(file.type) && file.size >= 400 * 1024 && !!window.createImageBitmap && !!window.DataTransfer;
  }
  document.addEventListener("change", function (ev) {
    var input = ev.target, file = input.files && input.files[0];
    if (!file || input.type !== "file" || !willShrink(file)) return;
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
     the upload asks the server which parts it has and sends only the rest.
     Nothing is sent that would be refused at the end: a file over its input's data-max-bytes is refused on the
     device, in the server's words (data-too-large); every other file is checked by the server when its upload
     opens (size against the document's limit, type from its first 4 KB), before any part. A refusal shows next
     to the file input; the file is remembered, so pressing Continue again with it sends nothing. An upload
     given up is removed on the server at once. */
  var HEAD = 4096, refusedFiles = {};
  function fileKey(file) { return [file.name, file.size, file.lastModified].join("\n"); }
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
  function halfEven(x) { var r = Math.round(x); return (Math.abs(x % 1) === 0.5 && r % 2) ? r - 1 : r; }
  function humanBytes(n, mark) {  // as simpul.core.files.human_bytes, with the page language's decimal mark
    var MB = 1024 * 1024;
    if (n >= MB) return (n % MB === 0 ? String(n / MB) : (halfEven(n * 10 / MB) / 10).toFixed(1).replace(".", mark || ".")) + " MB";
    return Math.max(1, halfEven(n / 1024)) + " KB";
  }
  function tooLarge(input, file) {
    var max = Number(input.dataset.maxBytes || 0);
    if (!max || file.size <= max || !input.dataset.tooLarge) return "";
    return input.dataset.tooLarge.replace(/\{(name|size)\}/g, function (all, key) {
      return key === "name" ? file.name : humanBytes(file.size, input.dataset.decimalMark);
    });
  }
  function refusal(input) {
    var file = input.files && input.files[0];
    return file ? (tooLarge(input, file) || refusedFiles[fileKey(file)] || "") : "";
  }
  function showRefusal(input, text) {
    var field = input.closest(".field") || input.parentNode, note = field.querySelector(".upload-refusal");
    if (!note) {
      note = el("p", "", "field-error upload-refusal");
      note.id = input.id + "_refusal";
      note.setAttribute("role", "alert");
      field.insertBefore(note, input);
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + note.id).trim());
    }
    note.textContent = text;
    field.classList.add("has-error");
  }
  function clearRefusal(input) {
    var field = input.closest(".field") || input.parentNode, note = field.querySelector(".upload-refusal");
    if (!note) return;
    input.setAttribute("aria-describedby", (input.getAttribute("aria-describedby") || "").replace(note.id, "").trim());
    note.remove();
    if (!field.querySelector(".errorlist")) field.classList.remove("has-error");
  }
  document.addEventListener("change", function (ev) {
    var input = ev.target, file = input.files && input.files[0];
    if (input.type !== "file" || !input.dataset || !input.dataset.maxBytes) return;
    clearRefusal(input);
    if (file && !willShrink(file) && refusal(input)) showRefusal(input, refusal(input));  // a photo is checked once shrunk
  });
  function json(url, method, body) {
    return fetch(url, { method: method, credentials: "same-origin", body: body ? JSON.stringify(body) : undefined,
                        headers: { "Content-Type": "application/json", "Accept-Language": document.documentElement.lang || "id" } })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (d) { d._status = r.status; return d; }); });
  }
  function wait(ms) { return new Promise(function (ok) { setTimeout(ok, ms); }); }
  function refused(text) { var e = new Error(text); e.final = true; e.refused = true; return e; }
  function abandon(up) {  // best effort: when the link is down, the server removes it after 24 hours
    return fetch("/api/v1/uploads/" + up.id + "/", { method: "DELETE", credentials: "same-origin" }).catch(function () {});
  }
  // open the upload: the server checks the file against the document first (size, type from its first bytes)
  function openUpload(file, draft, code) {
    return Promise.all([sha(file), file.slice(0, HEAD).arrayBuffer()]).then(function (got) {
      return json("/api/v1/uploads/", "POST", { filename: file.name, size: file.size, sha256: got[0], draft: draft,
                                                document: code, head: base64(got[1]) })
        .then(function (up) {
          if (up._status === 201) { up.digest = got[0]; return up; }
          if (up.code === "document_refused") throw refused(up.detail);
          var e = new Error(up.detail || "upload"); e.final = true; throw e;
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
        if (fin.code === "document_refused") throw refused(fin.detail);  // the server dropped its parts already
        var e = new Error(fin.detail || "refused"); e.final = true; throw e;
      }).catch(function (err) {
        if (err.final) throw err;
        if (++tries > 30) { abandon(up); throw err; }
        say(L.lResuming || "");
        return wait(Math.min(2000 * tries, 30000)).then(round);  // resume: ask what the server has
      });
    }
    return round();
  }
  document.addEventListener("submit", function (ev) {  // a form holding a refused file sends nothing
    if (!ev.target.querySelectorAll || ev.target.dataset.chunked) return;
    var stopped = Array.prototype.filter.call(ev.target.querySelectorAll("input[type=file][data-max-bytes]"), function (i) {
      var why = refusal(i);
      if (why) showRefusal(i, why);
      return !!why;
    });
    if (!stopped.length) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    stopped[0].focus();
  });
  document.addEventListener("submit", function (ev) {
    var form = ev.target, match = location.pathname.match(/\/ajukan\/([^/]+)\/dokumen\/$/);
    if (!match || !navigator.onLine || !window.crypto || !crypto.subtle || form.dataset.chunked) return;
    var chosen = Array.prototype.filter.call(form.querySelectorAll("input[type=file]"), function (i) {
      return i.files && i.files[0];
    });
    var big = chosen.filter(function (i) { return i.files[0].size > CHUNK_FROM; });
    if (!big.length) return;
    ev.preventDefault();
    var note = form.querySelector(".upload-progress") || el("p", "", "upload-progress");
    note.setAttribute("role", "status");
    form.insertBefore(note, form.querySelector("button"));
    function say(text) { note.textContent = text; }
    var submitter = ev.submitter, opened = [], refusals = [];
    big.reduce(function (p, input) {  // every file is checked before any part of any is sent
      return p.then(function () {
        var file = input.files[0];
        return openUpload(file, match[1], input.name).then(function (up) { opened.push([input, file, up]); }, function (err) {
          if (!err.refused) throw err;
          refusedFiles[fileKey(file)] = err.message;
          refusals.push([input, err.message]);
        });
      });
    }, Promise.resolve()).then(function () {
      if (refusals.length) throw refused("");
      return opened.reduce(function (p, o) {
        return p.then(function () {
          return chunked(o[1], o[2], match[1], o[0].name, say).then(function () { o[3] = true; o[0].value = ""; }, function (err) {
            o[3] = true;  // refused (its parts are gone) or given up (abandoned)
            if (err.refused) { refusedFiles[fileKey(o[1])] = err.message; refusals.push([o[0], err.message]); }
            throw err;
          });
        });
      }, Promise.resolve());
    }).then(function () {
      if (submitter && submitter.name) {
        var h = document.createElement("input");
        h.type = "hidden"; h.name = submitter.name; h.value = submitter.value || "1";
        form.appendChild(h);
      }
      form.dataset.chunked = "1";
      form.submit();
    }, function (err) {
      opened.forEach(function (o) { if (!o[3]) abandon(o[2]); });  // what was opened but not sent is not kept
      if (!refusals.length) { say(err.message); return; }
      say("");
      refusals.forEach(function (r) { showRefusal(r[0], r[1]); });
      refusals[0][0].focus();
    });
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
