// Questions on the terminal, or answers read line by line from a piped stdin (scripts, tests).
// Secrets are never echoed.
import { CliError, EXIT } from "./output.ts";

export class Prompter {
  private buffered = "";
  private ended = false;
  private readonly reader = process.stdin.isTTY ? undefined : (Bun.stdin.stream().getReader() as ReadableStreamDefaultReader<Uint8Array>);
  private readonly decoder = new TextDecoder();

  get interactive(): boolean {
    return Boolean(process.stdin.isTTY);
  }

  private async pipedLine(): Promise<string | undefined> {
    while (!this.buffered.includes("\n") && !this.ended) {
      const { value, done } = await this.reader!.read();
      if (done) this.ended = true;
      else this.buffered += this.decoder.decode(value, { stream: true });
    }
    if (!this.buffered) return undefined;
    const nl = this.buffered.indexOf("\n");
    const line = nl < 0 ? this.buffered : this.buffered.slice(0, nl);
    this.buffered = nl < 0 ? "" : this.buffered.slice(nl + 1);
    return line.replace(/\r$/, "");
  }

  private ttyLine(secret: boolean): Promise<string> {
    return new Promise((resolve) => {
      const stdin = process.stdin;
      let text = "";
      stdin.setRawMode?.(true);
      stdin.resume();
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString("utf8")) {
          if (ch === "\r" || ch === "\n") {
            stdin.off("data", onData);
            stdin.setRawMode?.(false);
            stdin.pause();
            process.stdout.write("\n");
            return resolve(text);
          }
          if (ch === "\u0003") process.exit(130);
          if (ch === "\u007f" || ch === "\b") {
            if (text) {
              text = text.slice(0, -1);
              if (!secret) process.stdout.write("\b \b");
            }
            continue;
          }
          text += ch;
          if (!secret) process.stdout.write(ch);
        }
      };
      stdin.on("data", onData);
    });
  }

  /** Asks once; an empty answer takes the default. */
  async ask(question: string, opts: { default?: string; secret?: boolean } = {}): Promise<string> {
    const hint = opts.default !== undefined && !opts.secret ? ` [${opts.default}]` : "";
    process.stdout.write(`${question}${hint}: `);
    const line = this.interactive ? await this.ttyLine(Boolean(opts.secret)) : await this.pipedLine();
    if (!this.interactive) process.stdout.write("\n");
    if (line === undefined) {
      if (opts.default !== undefined) return opts.default;
      throw new CliError(`no answer for "${question}" (stdin ended)`, EXIT.usage);
    }
    return line.trim() || opts.default || "";
  }

  async choose(question: string, choices: readonly string[], def: string): Promise<string> {
    for (;;) {
      const answer = await this.ask(`${question} (${choices.join("/")})`, { default: def });
      if (choices.includes(answer)) return answer;
      console.log(`  please answer one of: ${choices.join(", ")}`);
      if (!this.interactive) throw new CliError(`'${answer}' is not one of ${choices.join(", ")}`, EXIT.usage);
    }
  }

  async confirm(question: string, def: boolean): Promise<boolean> {
    const answer = (await this.ask(`${question} (y/n)`, { default: def ? "y" : "n" })).toLowerCase();
    return answer === "y" || answer === "yes";
  }
}

/** All of stdin as text (for --stdin flags). */
export async function readAllStdin(): Promise<string> {
  return (await new Response(Bun.stdin.stream()).text()).replace(/\r?\n$/, "");
}
