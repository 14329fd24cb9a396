// Watches which revision the active Service serves: tight loops of GET /version on a few
// keep-alive connections, reading the router's X-Quickship-Revision header. The switch latency of
// a verb is the time from the verb call to the first answer from the new revision (an upper
// bound: it includes a probe round trip; several loops make the sampling finer).
import { Pool } from 'undici';

export interface RevisionProbe {
  /** Resolves with the time (performance.now) of the first answer from `revision` ending after `since`. */
  firstAnswerFrom(revision: string, since: number, timeoutMs: number): Promise<number>;
  /** Answers seen from `revision` that ended after `since`. */
  answersFrom(revision: string, since: number): number;
  stop(): Promise<void>;
}

export function startRevisionProbe(origin: string, loops = 4): RevisionProbe {
  const pool = new Pool(origin, { connections: loops, keepAliveTimeout: 30_000 });
  const answers: { end: number; revision: string }[] = [];
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      try {
        const res = await pool.request({ method: 'GET', path: '/version' });
        await res.body.dump();
        const revision = res.headers['x-quickship-revision'];
        answers.push({ end: performance.now(), revision: typeof revision === 'string' ? revision : '' });
        if (answers.length > 200_000) answers.splice(0, 100_000);
      } catch {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  const all = Promise.all(Array.from({ length: loops }, loop));
  return {
    async firstAnswerFrom(revision, since, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const hit = answers.find((a) => a.end >= since && a.revision === revision);
        if (hit) return hit.end;
        if (performance.now() > deadline)
          throw new Error(`revision ${revision} did not answer on ${origin} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 1));
      }
    },
    answersFrom: (revision, since) => answers.filter((a) => a.end >= since && a.revision === revision).length,
    async stop() {
      running = false;
      await all;
      await pool.close();
    },
  };
}
