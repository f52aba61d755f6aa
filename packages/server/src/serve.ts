import type { FastifyInstance } from 'fastify';
import { createServer, type ServerOptions } from './http/create-server';

export interface StartServerOptions extends ServerOptions {
  readonly port?: number;
  /** Default 127.0.0.1: listening on all interfaces is an explicit choice (`--host 0.0.0.0`). */
  readonly host?: string;
  /** Stop on SIGTERM/SIGINT after in-flight requests finish (default true). */
  readonly handleSignals?: boolean;
  /** Longest wait for in-flight requests on shutdown before connections are cut (default 30 s). */
  readonly shutdownTimeoutMs?: number;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  /** e.g. `http://127.0.0.1:5000` */
  readonly url: string;
  /** Stops listening, lets in-flight requests finish, then releases jobs and the model. */
  close(): Promise<void>;
}

/** Creates the API and listens; with `handleSignals`, SIGTERM/SIGINT close it gracefully and exit. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const app = await createServer(options);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= closeWithin(app, options.shutdownTimeoutMs ?? 30_000));
  const onSignal = (signal: NodeJS.Signals) => {
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    app.addHook('onClose', async () => {
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
    });
  }
  const url = await app.listen({ port: options.port ?? 5000, host: options.host ?? '127.0.0.1' });
  if (handleSignals) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return { app, url, close };
}

async function closeWithin(app: FastifyInstance, timeoutMs: number): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), timeoutMs);
  // Keep-alive sockets become idle once their in-flight response is sent; close them as they do,
  // instead of waiting for the keep-alive timeout.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
  timer.unref();
  sweep.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
    clearInterval(sweep);
  }
}
