import { test } from "node:test";
import assert from "node:assert/strict";
import { client, user } from "./client.mjs";

const answerFormat = {
  type: "json_schema",
  json_schema: {
    name: "answer",
    strict: true,
    schema: { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false },
  },
};

test("a JSON function answers raw JSON text with a json_schema response format", async () => {
  const completion = await client.chat.completions.create({
    model: "tensorzero::function_name::extract",
    messages: user("Say hello as JSON"),
    response_format: answerFormat,
  });

  assert.equal(completion.model, "tensorzero::function_name::extract::variant_name::json");
  assert.deepEqual(JSON.parse(completion.choices[0].message.content), { answer: "Hello" });
});

test("the SDK's parse helper reads the structured output", async () => {
  const completion = await client.chat.completions.parse({
    model: "tensorzero::function_name::extract",
    messages: user("Say hello as JSON"),
    response_format: answerFormat,
  });

  assert.deepEqual(completion.choices[0].message.parsed, { answer: "Hello" });
});

test("a streamed JSON function sends its raw output as content deltas", async () => {
  const stream = await client.chat.completions.create({ model: "tensorzero::function_name::extract", messages: user("x"), stream: true });

  let text = "";
  for await (const chunk of stream) {
    text += chunk.choices[0].delta.content ?? "";
  }
  assert.deepEqual(JSON.parse(text), { name: "John", age: 30 });
});
