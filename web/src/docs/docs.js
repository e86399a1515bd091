// /docs: Swagger UI over the daemon's own OpenAPI document. A separate file (not inline) so the
// page runs under the server's Content-Security-Policy (script-src 'self'). validatorUrl null:
// Swagger UI would otherwise send the document to validator.swagger.io.
window.addEventListener('DOMContentLoaded', () => {
  window.ui = window.SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
  });
});
