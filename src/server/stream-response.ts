// Streams an async iterable of text frames to the client as they are produced; if the client goes
// away the iterator is closed, which aborts the upstream request behind it.
export function streamBody(frames: AsyncIterable<string>, onEnd: () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const it = frames[Symbol.asyncIterator]();
  let finished = false;
  const finish = () => {
    if (!finished) {
      finished = true;
      onEnd();
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await it.next();
        if (next.done) {
          controller.close();
          finish();
        } else controller.enqueue(encoder.encode(next.value));
      } catch (err) {
        controller.error(err);
        finish();
      }
    },
    async cancel() {
      finish();
      await it.return?.();
    },
  });
}
