/**
 * The server's nb2prod endpoints (src/nb2prod/server/API.md), over
 * ServerConnection so that the token, cookies and XSRF are handled.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  ConvertEvent,
  IAnalysis,
  IComparison,
  IEnvironment,
  IExistingFolder,
  IFinding
} from './tokens';

/**
 * A failed request, with the server's error code and its full message; for
 * `exists`, what the output folder holds.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly findings: IFinding[] = [],
    readonly folder: IExistingFolder | null = null
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `error` as an ApiError: itself, or one with code `client` for anything else thrown. */
export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('client', String(error), 0);
}

async function request(
  settings: ServerConnection.ISettings,
  endpoint: string,
  init: RequestInit
): Promise<Response> {
  const url = URLExt.join(settings.baseUrl, 'nb2prod', endpoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ApiError('network', `Could not reach the Jupyter server: ${String(error)}`, 0);
  }
  if (!response.ok) {
    throw await errorFrom(response);
  }
  return response;
}

/** Turn a failed reply into an ApiError: JSON `{code, message}` when the server sent one. */
export async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as {
      code?: unknown;
      message?: unknown;
      findings?: unknown;
      folder?: unknown;
    };
    if (typeof body.message === 'string') {
      const code = typeof body.code === 'string' ? body.code : `http-${response.status}`;
      const findings = Array.isArray(body.findings) ? (body.findings as IFinding[]) : [];
      const folder = existingFolder(body.folder);
      return new ApiError(code, body.message, response.status, findings, folder);
    }
  } catch {
    // Not JSON (a proxy's page, a missing server extension): the text itself is the message.
  }
  const message = text.trim() || response.statusText || 'no message';
  return new ApiError(`http-${response.status}`, `${response.status}: ${message}`, response.status);
}

/** `value` as an IExistingFolder when it has that shape; else null. */
export function existingFolder(value: unknown): IExistingFolder | null {
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const folder = value as Partial<IExistingFolder>;
  const entries = Array.isArray(folder.entries)
    ? folder.entries.filter((e): e is string => typeof e === 'string')
    : [];
  if (typeof folder.nb2prod !== 'boolean' || typeof folder.files !== 'number') {
    return null;
  }
  return {
    path: typeof folder.path === 'string' ? folder.path : '',
    nb2prod: folder.nb2prod,
    files: folder.files,
    more: folder.more === true,
    entries
  };
}

function post(body: unknown): RequestInit {
  return {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' }
  };
}

/** POST /nb2prod/analyze with the open (possibly unsaved) notebook. */
export async function analyze(
  settings: ServerConnection.ISettings,
  path: string,
  content: unknown
): Promise<IAnalysis> {
  const response = await request(settings, 'analyze', post({ path, content }));
  return (await response.json()) as IAnalysis;
}

export interface ICompareRequest {
  path: string;
  metadata: unknown;
  cells: Array<{
    id: string | null;
    cell_type: string;
    source: string;
    execution_count: number | null;
  }>;
  live: IEnvironment;
}

/** POST /nb2prod/environment/compare: where the outputs were made, against the live kernel. */
export async function compareEnvironment(
  settings: ServerConnection.ISettings,
  body: ICompareRequest
): Promise<IComparison> {
  const response = await request(settings, 'environment/compare', post(body));
  return (await response.json()) as IComparison;
}

export interface IConvertRequest {
  path: string;
  output?: string;
  force?: boolean;
  allow_hidden_state?: boolean;
  lock?: boolean;
}

/** POST /nb2prod/convert: the events of its NDJSON stream, one at a time. */
export async function* convert(
  settings: ServerConnection.ISettings,
  body: IConvertRequest
): AsyncGenerator<ConvertEvent> {
  const response = await request(settings, 'convert', post(body));
  for await (const line of lines(response)) {
    if (line.trim()) {
      yield JSON.parse(line) as ConvertEvent;
    }
  }
}

/** The lines of a streamed body, each as soon as it is complete. */
export async function* lines(response: Response): AsyncGenerator<string> {
  if (!response.body) {
    yield* (await response.text()).split('\n');
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    const { done, value } = await reader.read();
    pending += decoder.decode(value, { stream: !done });
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    yield* parts;
    if (done) {
      break;
    }
  }
  if (pending) {
    yield pending;
  }
}
