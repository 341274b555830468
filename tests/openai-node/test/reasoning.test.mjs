import { test } from "node:test";
import assert from "node:assert/strict";
import { client, user } from "./client.mjs";

const model = "tensorzero::function_name::thinker";
const answer = "Megumin gleefully chanted her spell, unleashing a thunderous explosion that lit up the sky and left a massive crater in its wake.";
const streamed = "Wally, the golden retriever, wagged his tail excitedly as he devoured a slice of cheese pizza.";

test("a reasoning answer carries its thoughts in tensorzero_extra_content, and usage has no null cost", async () => {
  const completion = await client.chat.completions.create({ model, messages: user("Think first") });

  const message = completion.choices[0].message;
  assert.equal(message.content, answer);
  assert.deepEqual(message.tensorzero_extra_content, [{ type: "thought", insert_index: 0, text: "hmmm" }]);
  assert.deepEqual(completion.usage, { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 });
});

test("a streamed reasoning answer puts any thought deltas in delta.tensorzero_extra_content, before the text", async () => {
  const stream = await client.chat.completions.create({ model, messages: user("Think first"), stream: true });

  let text = "";
  const thoughts = [];
  for await (const chunk of stream) {
    const delta = chunk.choices[0].delta;
    for (const key of Object.keys(delta)) {
      assert.ok(["role", "content", "tensorzero_extra_content"].includes(key), key);
    }
    for (const thought of delta.tensorzero_extra_content ?? []) {
      assert.equal(text, "", "thoughts come before the answer text");
      thoughts.push(thought);
    }
    text += delta.content ?? "";
  }

  assert.equal(text, streamed);
  // Like TensorZero's, the dummy's `reasoner` streams two `hmmm` thought chunks first, in TensorZero's chunk shape.
  assert.deepEqual(thoughts.map((t) => t.text), ["hmmm", "hmmm"]);
  for (const thought of thoughts) {
    assert.deepEqual(Object.keys(thought), ["type", "insert_index", "id", "text", "signature", "summary_id", "summary_text"]);
    assert.equal(thought.type, "thought");
    assert.equal(thought.insert_index, 0);
  }
});
