/**
 * Errors the API answers with. The body is always
 * `{ "error": { "code": "…", "message": "…" } }` with a stable code; never a
 * stack trace.
 */
export type ApiErrorCode =
  'bad_parameter' | 'not_found' | 'method_not_allowed' | 'unauthorized' | 'csrf_failed' | 'read_only' | 'unavailable' | 'internal';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badParameter = (message: string) => new ApiError(400, 'bad_parameter', message);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);

export function errorBody(code: ApiErrorCode, message: string): { error: { code: ApiErrorCode; message: string } } {
  return { error: { code, message } };
}
