// Starts Swagger UI on /api/v1/docs/ from the data attributes of #swagger-ui (simpul.api.views.SwaggerUiView):
// a file of its own, so the page needs no inline script under the Content Security Policy.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle !== "function") { return; }
  var csrfHeader = root.dataset.csrfHeader;
  var csrfToken = root.dataset.csrfToken;
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,  // never send the schema to an outside validator
    requestInterceptor: function (request) {
      // "Try it out" from a signed-in session: unsafe methods carry the CSRF token, as the site's forms do.
      var method = (request.method || "GET").toUpperCase();
      if (csrfHeader && csrfToken && ["GET", "HEAD", "OPTIONS"].indexOf(method) === -1) {
        request.headers[csrfHeader] = csrfToken;
      }
      return request;
    }
  });
}());
