/**
 * A small pool of extraction threads (node:worker_threads), so that parsing and
 * Readability never block the event loop: BullMQ renews job locks on the main
 * thread, and it stays free while pages are being extracted.
 *
 * Each thread takes one page at a time. A page still running after `timeoutMs`
 * has its thread terminated (the only way to stop synchronous code) and fails
 * with ExtractError "TIMEOUT"; a thread that dies (out of memory, a crash) fails
 * its page with "CRASHED". Either way a fresh thread takes the next page.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ExtractedArticle } from '../types';
import { ExtractError, extractArticle } from './extract';
import type { ExtractErrorCode, ExtractOptions } from './extract';
import type { ThreadReply, ThreadRequest } from './thread';

export interface ExtractPoolOptions {
  /** Threads (0: extract inline, on the calling thread, without a time bound). */
  threads: number;
  /** Per-page time bound in a thread (default 20 s). */
  timeoutMs?: number;
  /** Heap limit per thread, so one monstrous page cannot take the process down (default 2 GiB). */
  maxHeapMb?: number;
  /** The compiled thread script; found next to this file or under dist/ when omitted. */
  threadScript?: string;
  /** Nice value each thread sets on itself (Linux: per thread), 0 or absent: unchanged. */
  nice?: number;
}

export interface ExtractPool {
  /** 'threads' when pages run in worker threads; 'inline' when threads are off or no compiled script exists. */
  readonly mode: 'threads' | 'inline';
  readonly size: number;
  /** Threads running now (spawned on demand, up to size; a terminated one is replaced on the next page). */
  readonly threadsRunning: number;
  extract(html: string, url: string, opts?: ExtractOptions): Promise<ExtractedArticle>;
  /** Terminates the threads; queued pages fail. */
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_MAX_HEAP_MB = 2048;

/**
 * dist/src/extract/thread.js: next to this module when running compiled, or in
 * the build output when this module runs from source (ts-jest, ts-node).
 */
export function findThreadScript(): string | undefined {
  const candidates = [path.join(__dirname, 'thread.js'), path.resolve(__dirname, '../../dist/src/extract/thread.js')];
  return candidates.find((file) => existsSync(file));
}

export function createExtractPool(options: ExtractPoolOptions): ExtractPool {
  const script = options.threads > 0 ? (options.threadScript ?? findThreadScript()) : undefined;
  if (!script) return inlinePool();
  return new ThreadPool(
    script,
    options.threads,
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    options.maxHeapMb ?? DEFAULT_MAX_HEAP_MB,
    options.nice ?? 0,
  );
}

function inlinePool(): ExtractPool {
  return {
    mode: 'inline',
    size: 0,
    threadsRunning: 0,
    extract: async (html, url, opts) => extractArticle(html, url, opts),
    close: async () => undefined,
  };
}

interface Task {
  request: ThreadRequest;
  resolve(article: ExtractedArticle): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  task?: Task;
  timer?: NodeJS.Timeout;
}

class ThreadPool implements ExtractPool {
  readonly mode = 'threads' as const;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly script: string,
    readonly size: number,
    private readonly timeoutMs: number,
    private readonly maxHeapMb: number,
    private readonly nice: number,
  ) {}

  get threadsRunning(): number {
    return this.slots.length;
  }

  extract(html: string, url: string, opts: ExtractOptions = {}): Promise<ExtractedArticle> {
    if (this.closed) return Promise.reject(new Error('extraction pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, html, url, opts }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('extraction pool closed'));
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      clearTimeout(slot.timer);
      slot.task?.reject(new Error('extraction pool closed'));
      slot.task = undefined;
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.task);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift() as Task;
      slot.task = task;
      // Busy threads keep the process alive; idle ones do not (see spawn).
      slot.worker.ref();
      slot.timer = setTimeout(() => this.fail(slot, 'TIMEOUT', `extraction timeout: no result after ${this.timeoutMs} ms`), this.timeoutMs);
      slot.worker.postMessage(task.request);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb }, workerData: { nice: this.nice } });
    worker.unref();
    const slot: Slot = { worker };
    worker.on('message', (reply: ThreadReply) => this.settle(slot, reply));
    worker.on('error', (err) => this.fail(slot, 'CRASHED', `extraction thread failed: ${err.message}`));
    worker.on('exit', (code) => this.fail(slot, 'CRASHED', `extraction thread exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot, reply: ThreadReply): void {
    const task = slot.task;
    if (!task || task.request.id !== reply.id) return;
    clearTimeout(slot.timer);
    slot.task = undefined;
    slot.worker.unref();
    if (reply.ok) task.resolve(reply.article);
    else task.reject(reviveError(reply.error));
    this.dispatch();
  }

  /** Ends the slot's thread and fails its page; the next page gets a fresh thread. */
  private fail(slot: Slot, code: ExtractErrorCode, message: string): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return; // already retired (close(), or error followed by exit)
    this.slots.splice(index, 1);
    clearTimeout(slot.timer);
    const task = slot.task;
    slot.task = undefined;
    void slot.worker.terminate();
    task?.reject(new ExtractError(code, message));
    if (!this.closed) this.dispatch();
  }
}

function reviveError(error: { name: string; message: string; code?: string; stack?: string }): Error {
  const err = error.code ? new ExtractError(error.code as ExtractErrorCode, error.message) : new Error(error.message);
  if (!error.code) err.name = error.name;
  if (error.stack) err.stack = error.stack;
  return err;
}
