// A one-line download progress bar on stderr (a line per finished file when stderr is not a terminal).
import type { PullEvent, PullProgress } from "./model-pull.ts";

const mb = (n: number) => (n / 1e6).toFixed(1);

export function progressBar(stream: NodeJS.WriteStream = process.stderr): PullProgress {
  let lastDraw = 0;
  return (e: PullEvent) => {
    if (!stream.isTTY) {
      if (e.done) stream.write(`downloaded ${e.file} (${mb(e.received)} MB)\n`);
      return;
    }
    const now = Date.now();
    if (!e.done && now - lastDraw < 100) return;
    lastDraw = now;
    const frac = e.total ? Math.min(1, e.received / e.total) : 0;
    const width = 24;
    const bar = e.total ? "#".repeat(Math.round(frac * width)).padEnd(width, "-") : "?".repeat(width);
    const size = e.total ? `${mb(e.received)}/${mb(e.total)} MB` : `${mb(e.received)} MB`;
    stream.write(`\r[${bar}] ${e.total ? `${Math.round(frac * 100)}%`.padStart(4) : "    "} ${e.file} ${size}\x1b[K${e.done ? "\n" : ""}`);
  };
}
