import { test } from "node:test";
import assert from "node:assert/strict";
import { client, user } from "./client.mjs";

const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("a function answers a chat completion in OpenAI's shape", async () => {
  const completion = await client.chat.completions.create({
    model: "tensorzero::function_name::echo",
    messages: [{ role: "system", content: "Be terse." }, ...user("Hello, gateway!")],
  });

  assert.match(completion.id, uuidV7);
  assert.match(completion.episode_id, uuidV7);
  assert.equal(completion.object, "chat.completion");
  assert.equal(completion.model, "tensorzero::function_name::echo::variant_name::echo");
  assert.equal(completion.system_fingerprint, "");
  assert.equal(completion.choices.length, 1);
  assert.deepEqual(completion.choices[0], {
    index: 0,
    finish_reason: "stop",
    message: { role: "assistant", content: "Hello, gateway!" },
  });
  assert.deepEqual(completion.usage, { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 });
});

test("a model name, shorthand included, is a target too", async () => {
  const completion = await client.chat.completions.create({
    model: "tensorzero::model_name::dummy::echo",
    messages: user("ping"),
    temperature: 0.2,
    max_completion_tokens: 50,
  });

  assert.equal(completion.model, "tensorzero::model_name::dummy::echo");
  assert.equal(completion.choices[0].message.content, "ping");
});

test("the episode id is passed through the extension fields", async () => {
  const first = await client.chat.completions.create({ model: "tensorzero::function_name::echo", messages: user("one") });
  const second = await client.chat.completions.create({
    model: "tensorzero::function_name::echo",
    messages: user("two"),
    "tensorzero::episode_id": first.episode_id,
    "tensorzero::tags": { suite: "openai-node" },
  });

  assert.equal(second.episode_id, first.episode_id);
  assert.notEqual(second.id, first.id);
});
