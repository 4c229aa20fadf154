// The API docs page (/api/v1/docs): Swagger UI from npm, started here rather than inline so the
// page runs under a Content-Security-Policy without 'unsafe-inline' scripts.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    // no deep links: they put a link inside each operation's expand button (nested interactive controls, WCAG 4.1.2)
    deepLinking: false,
    presets: [SwaggerUIBundle.presets.apis],
    // "Try it out" with the session of a logged-in user needs the CSRF token on writes.
    requestInterceptor: (request) => {
      request.headers["X-CSRFToken"] = root.dataset.csrfToken;
      return request;
    },
  });
});
