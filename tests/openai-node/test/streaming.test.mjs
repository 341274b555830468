import { test } from "node:test";
import assert from "node:assert/strict";
import { client, user } from "./client.mjs";

test("a stream yields chunks with the role first, text deltas, a finish reason and usage when asked", async () => {
  const stream = await client.chat.completions.create({
    model: "tensorzero::function_name::echo",
    messages: user("Streamed hello"),
    stream: true,
    stream_options: { include_usage: true },
  });

  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }

  assert.ok(chunks.length >= 2);
  assert.ok(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0].id));
  assert.equal(chunks[0].choices[0].delta.role, "assistant");
  assert.ok(chunks.slice(1).every((c) => c.choices[0].delta.role === undefined));
  // Like TensorZero's, the dummy streams its fixed text in 16 chunks (one token each), whatever it was asked.
  assert.equal(chunks.map((c) => c.choices[0].delta.content ?? "").join(""), "Wally, the golden retriever, wagged his tail excitedly as he devoured a slice of cheese pizza.");
  const last = chunks.at(-1);
  assert.equal(last.choices[0].finish_reason, "stop");
  assert.deepEqual(last.usage, { prompt_tokens: 10, completion_tokens: 16, total_tokens: 26 });
  assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
});

test("without include_usage a stream carries no usage", async () => {
  const stream = await client.chat.completions.create({ model: "tensorzero::model_name::dummy::good", messages: user("x"), stream: true });

  let text = "";
  for await (const chunk of stream) {
    assert.equal(chunk.usage, null);
    text += chunk.choices[0].delta.content ?? "";
  }
  assert.equal(text, "Wally, the golden retriever, wagged his tail excitedly as he devoured a slice of cheese pizza.");
});

test("the SDK's stream helper assembles streamed tool calls", async () => {
  const stream = client.chat.completions.stream({ model: "tensorzero::function_name::weather", messages: user("Weather in Brooklyn?") });

  const completion = await stream.finalChatCompletion();

  const [call] = completion.choices[0].message.tool_calls;
  assert.equal(call.id, "0");
  assert.equal(call.type, "function");
  assert.equal(call.function.name, "get_temperature");
  assert.deepEqual(JSON.parse(call.function.arguments), { location: "Brooklyn", units: "celsius" });
  assert.equal(completion.choices[0].finish_reason, "tool_calls");
});
