/**
 * Body of an extraction thread (see ./pool.ts): one page at a time, in and out
 * by message. Only the compiled file (dist/src/extract/thread.js) is loaded as
 * a thread; a worker thread cannot load TypeScript.
 */

import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { ExtractError, extractArticle } from './extract';
import type { ExtractOptions } from './extract';

export interface ThreadRequest {
  id: number;
  html: string;
  url: string;
  opts: ExtractOptions;
}

export type ThreadReply =
  | { id: number; ok: true; article: ReturnType<typeof extractArticle> }
  | { id: number; ok: false; error: { name: string; message: string; code?: string; stack?: string } };

/*
 * Lower this thread's priority (pid 0 on Linux: the calling thread only, not the process), so extraction,
 * the bulk CPU work, waits for the event loops of every process on the host: lock renewals, the merge
 * stage's single writer, Redis. Raising one's own nice value needs no privilege; elsewhere it may fail.
 */
const nice = (workerData as { nice?: number } | undefined)?.nice ?? 0;
if (nice > 0) {
  try {
    setPriority(nice);
  } catch {
    // not supported here: run at normal priority
  }
}

if (parentPort) {
  const port = parentPort;
  port.on('message', ({ id, html, url, opts }: ThreadRequest) => {
    let reply: ThreadReply;
    try {
      reply = { id, ok: true, article: extractArticle(html, url, opts) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = {
        id,
        ok: false,
        error: { name: e.name, message: e.message, code: err instanceof ExtractError ? err.code : undefined, stack: e.stack },
      };
    }
    port.postMessage(reply);
  });
}
