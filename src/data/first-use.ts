/** What `make` gives, made at the first call and kept: for statements a connection may never run. */
export function onFirstUse<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
