// The built-in provider `isartor demo` talks to: a loopback OpenAI-compatible server that answers
// every chat completion with a canned reply, so the demo runs offline on a fresh install.
export function startMockProvider() {
  let calls = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (path.endsWith("/models")) return Response.json({ object: "list", data: [{ id: "demo-model", object: "model" }] });
      if (!path.endsWith("/chat/completions") || req.method !== "POST") return Response.json({ error: { message: "not found" } }, { status: 404 });
      const body = (await req.json()) as { model?: string; messages?: { content?: unknown }[] };
      const question = String(body.messages?.at(-1)?.content ?? "");
      calls++;
      await Bun.sleep(20); // a cloud call is never instant
      return Response.json({
        id: `chatcmpl-demo-${calls}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model ?? "demo-model",
        choices: [{ index: 0, message: { role: "assistant", content: `(demo provider) Here is what our FAQ says about: ${question}` }, finish_reason: "stop" }],
        usage: { prompt_tokens: 12 + Math.ceil(question.length / 4), completion_tokens: 40, total_tokens: 52 + Math.ceil(question.length / 4) },
      });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/v1`, calls: () => calls, stop: () => server.stop(true) };
}
