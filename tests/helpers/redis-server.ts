// A real redis-server for tests: its own loopback port and temp dir, no persistence. It can be killed
// and started again on the same port (outage tests). Tests skip with a printed reason when the binary
// is missing (.ci/run installs Debian's redis-server).
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export const REDIS_BINARY = Bun.which("redis-server");

/** describe.skipIf argument; prints why once */
export function redisMissing(): boolean {
  if (!REDIS_BINARY) console.log("skip: redis-server is not installed (apt-get install -y redis-server); Redis tests skipped");
  return !REDIS_BINARY;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export class TestRedis {
  private proc?: Subprocess;
  private readonly dir = mkdtempSync(join(tmpdir(), "isartor-redis-"));

  private constructor(readonly port: number) {}

  static async start(): Promise<TestRedis> {
    const redis = new TestRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** starts the server (again) on the same port and waits until it accepts commands */
  async restart(): Promise<void> {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) return;
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir, "--protected-mode", "no"];
    const deadline = Date.now() + 20_000;
    while (true) {
      const proc = Bun.spawn([REDIS_BINARY!, ...args], { stdout: "pipe", stderr: "pipe" });
      if (await this.ready(proc, deadline)) {
        this.proc = proc;
        return;
      }
      proc.kill("SIGKILL");
      // the port may still be held briefly after a kill: try again until the deadline
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}`);
      await Bun.sleep(200);
    }
  }

  /** SIGKILL: an abrupt outage, no goodbye to the clients */
  async kill(): Promise<void> {
    this.proc?.kill("SIGKILL");
    await this.proc?.exited;
  }

  /** SIGSTOP / SIGCONT: a server that hangs with its connections open (nothing times out at TCP level) */
  pause() {
    this.proc?.kill("SIGSTOP");
  }

  resume() {
    this.proc?.kill("SIGCONT");
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
  }

  /** runs redis-cli-like commands through a short-lived raw RESP connection */
  async command(...args: string[]): Promise<string> {
    const payload = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
    return new Promise((resolve, reject) => {
      let out = "";
      void Bun.connect({
        hostname: "127.0.0.1",
        port: this.port,
        socket: {
          open: (s) => void s.write(payload),
          data: (s, d) => {
            out += d.toString();
            if (out.endsWith("\r\n")) {
              s.end();
              resolve(out);
            }
          },
          error: (_s, e) => reject(e),
          connectError: (_s, e) => reject(e),
        },
      });
    });
  }

  private async ready(proc: Subprocess, deadline: number): Promise<boolean> {
    const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
    let out = "";
    let pending = reader.read();
    while (Date.now() < deadline) {
      const chunk = await Promise.race([pending, Bun.sleep(500).then(() => null)]);
      if (chunk === null) continue;
      pending = reader.read();
      if (chunk.done) return false;
      out += new TextDecoder().decode(chunk.value);
      if (out.includes("Ready to accept connections")) {
        // keep draining stdout so the server never blocks on a full pipe
        void (async () => {
          while (!(await pending.catch(() => ({ done: true }))).done) pending = reader.read();
        })();
        return true;
      }
      if (/Address already in use|Could not create server TCP/i.test(out)) return false;
    }
    return false;
  }
}
