import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { client } from "./client.mjs";

// `concierge` has a system schema and a user schema; `dummy::echo` answers with the rendered user template.
const model = "tensorzero::function_name::concierge";
const japan = [{ type: "tensorzero::template", name: "user", arguments: { country: "Japan" } }];
const rendered = "What is the capital of Japan?";
const prefix = "Invalid request to OpenAI-compatible endpoint: ";
const streamedText = "Wally, the golden retriever, wagged his tail excitedly as he devoured a slice of cheese pizza.";

// Every way TensorZero's clients pass the system template's arguments, as `system` and as `developer` messages.
const systemForms = {
  "a part without type (deprecated)": [{ assistant_name: "Alfred" }],
  "a text part with tensorzero::arguments": [{ type: "text", "tensorzero::arguments": { assistant_name: "Alfred" } }],
  "a tensorzero::template part": [{ type: "tensorzero::template", name: "system", arguments: { assistant_name: "Alfred" } }],
};

for (const [form, content] of Object.entries(systemForms)) {
  for (const role of ["system", "developer"]) {
    test(`a system-schema function takes its arguments as ${form} in a ${role} message`, async () => {
      const completion = await client.chat.completions.create({ model, messages: [{ role, content }, { role: "user", content: japan }] });

      assert.equal(completion.model, "tensorzero::function_name::concierge::variant_name::echo");
      assert.equal(completion.choices[0].message.content, rendered);
    });
  }
}

test("user arguments work in every form too, streamed as well", async () => {
  const userForms = [
    [{ country: "Japan" }],
    [{ type: "text", "tensorzero::arguments": { country: "Japan" } }],
    japan,
  ];
  for (const content of userForms) {
    const messages = [{ role: "system", content: systemForms["a tensorzero::template part"] }, { role: "user", content }];
    const completion = await client.chat.completions.create({ model, messages });
    assert.equal(completion.choices[0].message.content, rendered);

    // Streamed, the dummy sends its fixed text whatever it was asked (as TensorZero's does): the forms are accepted.
    const stream = await client.chat.completions.create({ model, messages, stream: true });
    let text = "";
    for await (const chunk of stream) {
      text += chunk.choices[0].delta.content ?? "";
    }
    assert.equal(text, streamedText);
  }
});

test("system arguments that fail the schema are TensorZero's JSON Schema error", async () => {
  const messages = [{ role: "system", content: [{ assistant_name: 7 }] }, { role: "user", content: japan }];

  await assert.rejects(client.chat.completions.create({ model, messages }), (error) => {
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.match(error.error.message, /^JSON Schema validation failed for `input\.system`:\n/);
    return true;
  });
});

test("plain system text where the function wants arguments fails the schema", async () => {
  const messages = [{ role: "system", content: "You are Alfred." }, { role: "user", content: japan }];

  await assert.rejects(client.chat.completions.create({ model, messages }), (error) => {
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.match(error.error.message, /^JSON Schema validation failed for `input\.system`:\n/);
    return true;
  });
});

test("a template after system text, or text after a template, is refused as TensorZero refuses it", async () => {
  const cases = [
    [[{ role: "system", content: "Be brief." }, { role: "developer", content: [{ assistant_name: "Alfred" }] }], "System message cannot contain template with other content"],
    [[{ role: "developer", content: [{ assistant_name: "Alfred" }] }, { role: "system", content: "Be brief." }], "Cannot add text after template system message"],
  ];
  for (const [system, message] of cases) {
    await assert.rejects(client.chat.completions.create({ model, messages: [...system, { role: "user", content: japan }] }), (error) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.equal(error.error.message, prefix + message);
      return true;
    });
  }
});

test("an image in a system message carries both generations' wording", async () => {
  const image = { type: "image_url", image_url: { url: "https://example.com/image.jpg" } };

  await assert.rejects(client.chat.completions.create({ model, messages: [{ role: "system", content: [image] }, { role: "user", content: japan }] }), (error) => {
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.ok(error.error.message.includes(prefix + "System message must contain only text or template content blocks"));
    assert.ok(error.error.message.includes(prefix + "System message must be a text content block"));
    return true;
  });
});
