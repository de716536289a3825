import { createHash } from 'node:crypto';

/** A random source in [0, 1). */
export type Random = () => number;

/**
 * mulberry32 seeded from SHA-256 of `seed`: simulators derive every figure from it, so the same
 * id gives the same figures on every machine and every run.
 */
export function seededRandom(seed: string): Random {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
