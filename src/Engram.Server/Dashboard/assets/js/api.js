// Calls Engram's REST API with the API key kept in sessionStorage (sent as "Authorization: Token <key>", never in URLs).
const KEY = 'engram.apiKey';

export const auth = {
  get: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Sends a request; returns the parsed JSON body, or throws ApiError with the ProblemDetails detail. */
export async function api(method, path, body, key = auth.get()) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        Authorization: `Token ${key ?? ''}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(0, `The server could not be reached (${error.message}).`);
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (!response.ok) {
    const detail = json?.detail ?? json?.title ?? `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, response.status === 401 ? `Not signed in: ${detail}` : detail);
  }
  return json;
}

/** Every memory of the project: reads need a scope, and "*" means any value of that kind. */
const anyScope = { OR: [{ user_id: '*' }, { agent_id: '*' }, { app_id: '*' }, { run_id: '*' }] };

/** Builds the Mem0 "filters" object of a scope kind and id (any scope when no id is given). */
export function scopeFilter(kind, id) {
  return kind && id ? { [`${kind}_id`]: id } : anyScope;
}
