// What every mock upstream shares: a loopback Bun.serve on a random port, and a scripted reply queue.

/** Replies are consumed in order and the last one repeats (assign a new array to script the next requests). */
export function nextReply<R>(replies: R[]): R {
  return (replies.length > 1 ? replies.shift() : replies[0])!;
}

export function serveLoopback(fetch: (req: Request) => Response | Promise<Response>) {
  return Bun.serve({ port: 0, hostname: "127.0.0.1", idleTimeout: 60, fetch });
}
