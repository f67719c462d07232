/**
 * Serializes work: each `run` waits for the previous one to settle. The memory
 * adapter holds it for the length of a transaction so that other operations
 * neither see uncommitted writes nor interleave with a rollback.
 */
export class WriteLock {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` once every earlier `run` has settled. */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
