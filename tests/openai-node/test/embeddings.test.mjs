import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { client } from "./client.mjs";

const offline = "tensorzero::embedding_model_name::offline_embedding";
const isZeroVector = (embedding) => embedding.length === 1536 && embedding.every((value) => value === 0);

test("a single input gives one 1536-dimension vector and the dummy's usage", async () => {
  // Without encoding_format the SDK asks for base64 and decodes it, so this also checks the gateway's base64.
  const response = await client.embeddings.create({ model: offline, input: "Hello, world!" });

  assert.equal(response.object, "list");
  assert.equal(response.model, offline);
  assert.equal(response.data.length, 1);
  assert.equal(response.data[0].object, "embedding");
  assert.equal(response.data[0].index, 0);
  assert.ok(isZeroVector(response.data[0].embedding));
  assert.equal(response.usage.prompt_tokens, 10);
  assert.equal(response.usage.total_tokens, 10);
});

test("a batch gives one vector per input, in order", async () => {
  const response = await client.embeddings.create({ model: offline, input: ["one", "two", "three"], encoding_format: "float" });

  assert.deepEqual(
    response.data.map((item) => item.index),
    [0, 1, 2],
  );
  assert.ok(response.data.every((item) => isZeroVector(item.embedding)));
});

test("encoding_format base64 is returned as is: little-endian float32", async () => {
  const response = await client.embeddings.create({ model: offline, input: "x", encoding_format: "base64" });

  assert.equal(typeof response.data[0].embedding, "string");
  const bytes = Buffer.from(response.data[0].embedding, "base64");
  assert.equal(bytes.length, 1536 * 4);
  assert.ok(bytes.every((byte) => byte === 0));
});

test("a bare configured name and the dummy shorthand are accepted", async () => {
  const bare = await client.embeddings.create({ model: "offline_embedding", input: "x" });
  const shorthand = await client.embeddings.create({ model: "tensorzero::embedding_model_name::dummy::good", input: "x" });

  assert.equal(bare.model, offline);
  assert.equal(shorthand.model, "tensorzero::embedding_model_name::dummy::good");
});

test("a failing provider falls back to the next one", async () => {
  const response = await client.embeddings.create({ model: "tensorzero::embedding_model_name::fallback_embedding", input: "x" });

  assert.ok(isZeroVector(response.data[0].embedding));
});

test("tensorzero::credentials reaches the provider, and a missing key is a BadRequestError naming it", async () => {
  const model = "tensorzero::embedding_model_name::keyed_embedding";
  const response = await client.embeddings.create({ model, input: "x", "tensorzero::credentials": { dummy_key: "good_key" } });
  assert.equal(response.data.length, 1);

  await assert.rejects(client.embeddings.create({ model, input: "x" }), (error) => {
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.match(error.error.message, /Dynamic api key `dummy_key` is missing/);
    return true;
  });
});

test("an unknown embedding model is a NotFoundError", async () => {
  await assert.rejects(client.embeddings.create({ model: "tensorzero::embedding_model_name::nope", input: "x" }), (error) => {
    assert.ok(error instanceof OpenAI.NotFoundError);
    assert.equal(error.error.message, "Model not found: nope");
    return true;
  });
});

test("a model whose every provider fails is an InternalServerError with each provider's message", async () => {
  await assert.rejects(client.embeddings.create({ model: "tensorzero::embedding_model_name::dummy::error", input: "x" }), (error) => {
    assert.ok(error instanceof OpenAI.InternalServerError);
    assert.match(error.error.message, /Error sending request to Dummy provider for model 'error'/);
    return true;
  });
});
