// A slow streaming OpenAI upstream for the load benchmark's flushing check: every POST gets a chat-completion
// stream whose first chunk is written at once and whose other chunks follow 200 ms later. A proxy that flushes
// chunks as they arrive shows a time to first byte far below 200 ms; one that buffers shows 200 ms or more.
// Usage: node slow-stream.js PORT (listens on 127.0.0.1).
"use strict";
const http = require("http");

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: node slow-stream.js PORT");
  process.exit(2);
}
const delayMs = 200;

function chunk(delta, finishReason, usage) {
  const body = {
    id: "chatcmpl-slow",
    object: "chat.completion.chunk",
    created: 1700000000,
    model: "gpt-4o-mini-2024-07-18",
    choices: usage ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  if (usage) {
    body.usage = usage;
  }
  return `data: ${JSON.stringify(body)}\n\n`;
}

const first = chunk({ role: "assistant", content: "Hello" }, null);
const rest =
  chunk({ content: " from the slow upstream." }, null) +
  chunk({}, "stop") +
  chunk(null, null, { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 }) +
  "data: [DONE]\n\n";

const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    if (req.method !== "POST") {
      res.writeHead(405, { "content-type": "application/json" });
      res.end('{"error":"POST only"}');
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(first);
    const timer = setTimeout(() => res.end(rest), delayMs);
    res.on("close", () => clearTimeout(timer));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => console.log(`slow-stream listening on 127.0.0.1:${port}`));
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
}
