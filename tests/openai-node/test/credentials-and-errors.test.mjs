import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { client, user } from "./client.mjs";

const keyed = { model: "tensorzero::model_name::keyed", messages: user("Hello") };

test("tensorzero::credentials in the request body reaches the provider", async () => {
  // The Node SDK sends extra request fields as they are (Python: extra_body={...}).
  const completion = await client.chat.completions.create({ ...keyed, "tensorzero::credentials": { dummy_key: "good_key" } });

  assert.equal(completion.model, "tensorzero::model_name::keyed");
  assert.equal(completion.choices[0].finish_reason, "stop");
});

test("a wrong key is the provider's error, not the gateway's", async () => {
  await assert.rejects(
    client.chat.completions.create({ ...keyed, "tensorzero::credentials": { dummy_key: "wrong-key" } }),
    (error) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 502);
      assert.match(error.error.message, /Invalid API key for Dummy provider/);
      assert.doesNotMatch(JSON.stringify(error.error), /wrong-key/);
      return true;
    },
  );
});

test("a missing dynamic key is a 400 naming the key, and the SDK's Authorization header is no substitute", async () => {
  await assert.rejects(client.chat.completions.create(keyed), (error) => {
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.status, 400);
    assert.match(error.error.message, /Dynamic api key `dummy_key` is missing/);
    return true;
  });
});

test("a model outside TensorZero's namespace is a BadRequestError with TensorZero's message", async () => {
  await assert.rejects(client.chat.completions.create({ model: "gpt-4o-mini", messages: user("x") }), (error) => {
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.status, 400);
    assert.match(
      error.error.message,
      /^Invalid request to OpenAI-compatible endpoint: `model` field must start with `tensorzero::function_name::` or `tensorzero::model_name::`/,
    );
    return true;
  });
});

test("an unknown function is a NotFoundError", async () => {
  await assert.rejects(client.chat.completions.create({ model: "tensorzero::function_name::nope", messages: user("x") }), (error) => {
    assert.ok(error instanceof OpenAI.NotFoundError);
    assert.equal(error.error.message, "Unknown function: nope");
    return true;
  });
});

test("n other than 1 is refused", async () => {
  await assert.rejects(client.chat.completions.create({ model: "tensorzero::function_name::echo", messages: user("x"), n: 2 }), (error) => {
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.match(error.error.message, /does not support `n` other than 1/);
    return true;
  });
});

test("a failure in the middle of a stream surfaces as an APIError", async () => {
  const stream = await client.chat.completions.create({ model: "tensorzero::model_name::dummy::err_in_stream", messages: user("x"), stream: true });

  await assert.rejects(
    (async () => {
      for await (const chunk of stream) {
        assert.equal(chunk.object, "chat.completion.chunk");
      }
    })(),
    (error) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.match(error.message, /Dummy error in stream/);
      return true;
    },
  );
});
