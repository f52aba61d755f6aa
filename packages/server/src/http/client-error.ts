import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Node-level request errors (before fastify sees a request) and their replies in the API's error shape. */
const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'E_TIMEOUT', 'The request (headers and body) did not arrive in time'],
  HPE_HEADER_OVERFLOW: [431, 'E_HEADERS_TOO_LARGE', 'Request headers (URL included) are larger than the server accepts'],
  HPE_URI_TOO_LONG: [414, 'E_URI_TOO_LONG', 'Request URL is too long'],
};

/**
 * Replaces fastify's default `clientError` reply (`{"error":"Request Timeout",…}`), so that even a request the
 * HTTP parser refuses gets `{ "error": { "code", "message" } }`; the connection is closed afterwards.
 */
export function writeClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'E_BAD_REQUEST', 'Malformed HTTP request'];
  const body = JSON.stringify({ error: { code, message } });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // A client that never reads the reply must not keep the socket.
  setTimeout(() => socket.destroy(), 1_000).unref();
}
