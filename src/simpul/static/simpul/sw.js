/* Simpul service worker (scope /). It keeps static files (hashed names: cache first) and one page, /luring/, that
   carries nothing personal and no log-in state: a page opened without a connection shows it, with the forms
   waiting on this device. No other page is ever kept (a shared device must not show one person's answers, PIN or
   log-in to the next), and POSTs are never touched: the outbox in offline.js queues them. */
"use strict";
var CACHE = "simpul-v2";
var SHELL = "/luring/";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) {
    return fetch(SHELL, { credentials: "omit" }).then(function (resp) { if (resp.ok) return c.put(SHELL, resp); });
  }).catch(function () {}).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {  // older versions kept whole pages: dropped
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var req = event.request, url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) return;
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
  event.respondWith(fetch(req).catch(function () {
    return caches.match(SHELL).then(function (hit) { return hit || Response.error(); });
  }));
});
