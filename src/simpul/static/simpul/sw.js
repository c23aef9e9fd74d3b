/* Simpul service worker (scope /): keeps the app shell and every page the user opened, so a form opened at the
   village hall still shows when the link drops. Pages: network first, the kept copy when offline. Static files
   (hashed names): cache first. POSTs are never touched: the offline outbox in offline.js queues them. */
"use strict";
var CACHE = "simpul-v1";
var SHELL = ["/", "/lacak/"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); }).catch(function () {})
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var req = event.request, url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) return;
  // never keep personal pages on a shared device: accounts, staff, tracking results, API
  if (/^(\/en)?\/(api|akun|kantor|admin|lacak\/.+)\//.test(url.pathname)) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(req).then(function (hit) {
      return hit || fetch(req).then(function (resp) {
        if (resp.ok) { var copy = resp.clone(); caches.open(CACHE).then(function (c) { c.put(req, copy); }); }
        return resp;
      });
    }));
    return;
  }
  if (req.mode !== "navigate") return;
  event.respondWith(fetch(req).then(function (resp) {
    if (resp.ok && !resp.redirected) {
      var copy = resp.clone();
      caches.open(CACHE).then(function (c) { c.put(req, copy); });
    }
    return resp;
  }, function () {
    return caches.match(req).then(function (hit) { return hit || caches.match("/"); });
  }));
});
