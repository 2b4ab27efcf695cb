// A worker thread that compares passwords with bcrypt hashes, so the CPU-bound
// compare never runs on the event loop that answers scrapes and probes.

import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

export interface CompareRequest {
  id: number;
  password: string;
  hash: string;
}

export interface CompareReply {
  id: number;
  ok: boolean;
}

parentPort?.on('message', (request: CompareRequest) => {
  let ok = false;
  try {
    ok = bcrypt.compareSync(request.password, request.hash);
  } catch {
    ok = false;
  }
  parentPort?.postMessage({ id: request.id, ok } satisfies CompareReply);
});
