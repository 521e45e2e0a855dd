// Yields each task's outcome as soon as it settles (completion order, not start order).
export type Settled<K, T> = { key: K; ok: true; value: T } | { key: K; ok: false; error: unknown };

export async function* inCompletionOrder<K, T>(tasks: Array<{ key: K; run: () => Promise<T> }>): AsyncGenerator<Settled<K, T>> {
  const pending = new Map<number, Promise<{ id: number; settled: Settled<K, T> }>>();
  tasks.forEach((task, id) => {
    const promise = task.run().then(
      (value) => ({ id, settled: { key: task.key, ok: true as const, value } }),
      (error: unknown) => ({ id, settled: { key: task.key, ok: false as const, error } }),
    );
    pending.set(id, promise);
  });
  while (pending.size > 0) {
    const { id, settled } = await Promise.race(pending.values());
    pending.delete(id);
    yield settled;
  }
}
