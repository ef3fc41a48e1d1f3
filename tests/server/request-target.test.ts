import { describe, expect, test } from "bun:test";
import { requestPath, requestSearch } from "../../src/server/request-target.ts";

describe("requestPath / requestSearch agree with URL", () => {
  const urls = [
    "http://127.0.0.1:8080/v1/chat/completions",
    "http://x:1/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
    "https://gateway.example.com/v1/messages?beta=true&x=%20y",
    "http://llm/",
    "http://llm",
    "http://host/path%2Fwith%20escapes?",
    "http://host/a?b=1#frag",
    "http://[::1]:9/v1/responses?x",
  ];
  for (const u of urls) {
    test(u, () => {
      const req = new Request(u);
      const parsed = new URL(req.url);
      expect(requestPath(req)).toBe(parsed.pathname);
      expect(requestSearch(req)).toBe(parsed.search);
    });
  }
});
