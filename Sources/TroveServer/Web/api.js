// The app's only door to the server: the public HTTP API, with the access token held in
// this module's memory (never in localStorage or a cookie). A reload signs the user out;
// that is the price of a token no other script on the origin can read from storage.

import { readEvents } from './sse.js';

let token = null;
let onSignedOut = () => {};

/** An error the API answered, with its words: `message`, the HTTP `status` and `code`. */
export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function signedIn() { return token !== null; }

export function whenSignedOut(callback) { onSignedOut = callback; }

export function forgetToken() { token = null; }

async function errorOf(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: fall back to the status */ }
  const e = body && body.error;
  const words = e && e.message ? e.message : `the server answered ${response.status} ${response.statusText}`;
  return new ApiError(response.status, words, e ? e.code : null);
}

function headers(json) {
  const h = {};
  if (token) h.Authorization = `Bearer ${token}`;
  if (json) h['Content-Type'] = 'application/json';
  return h;
}

/** Calls the API; JSON in and out. Throws `ApiError` with the server's message. */
export async function call(method, path, body, { signal } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method, signal, headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `the server could not be reached (${e.message})`, null);
  }
  if (response.status === 401 && token) {
    token = null;
    onSignedOut('Your session ended; sign in again.');
  }
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return null;
  return response.json();
}

export async function signIn(username, password) {
  const answer = await call('POST', '/api/auth/login', { username, password });
  token = answer.access_token;
  return call('GET', '/api/auth/me');
}

/** Changes the password; the answer's token replaces this one (the server ends the others). */
export async function changePassword(current, next) {
  const answer = await call('POST', '/api/auth/password', { current_password: current, new_password: next });
  token = answer.access_token;
}

/** Every page of a list route, up to `max` items. */
export async function listAll(path, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await call('GET', `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

/**
 * Sends a message and reads the reply as server-sent events. `onEvent(name, data)` sees
 * each `delta`, `tool_step`, `done` and `error` event as it arrives. Abort `signal` to
 * stop generating.
 */
export async function streamMessage(conversationId, content, attachments, onEvent, signal) {
  let response;
  try {
    response = await fetch(`/api/conversations/${encodeURIComponent(conversationId)}/messages`, {
      method: 'POST', signal, headers: headers(true),
      body: JSON.stringify({ content, attachments, stream: true }),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `the server could not be reached (${e.message})`, null);
  }
  if (!response.ok) throw await errorOf(response);
  await readEvents(response, onEvent);
}

/** Uploads a file with progress (fetch cannot report upload progress; XHR can). */
export function upload(file, collection, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const form = new FormData();
    form.append('file', file, file.name);
    if (collection) form.append('collection', collection);
    xhr.open('POST', '/api/files');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'the upload could not reach the server', null));
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* handled below */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body && body.error ? body.error.message : `the server answered ${xhr.status}`, body && body.error ? body.error.code : null));
    };
    xhr.send(form);
  });
}
