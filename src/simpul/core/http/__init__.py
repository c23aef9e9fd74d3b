"""The HTTP kit every app's API uses: RFC 9457 problem details (`problems`), strict limit/offset pagination
(`pagination`) and the OpenAPI helpers for documenting problems (`schema`). Pure HTTP: no models, no app
above core. API clients, their keys and scopes are one floor up, in `simpul.clients`."""
