import { test } from "node:test";
import assert from "node:assert/strict";
import { client, user } from "./client.mjs";

const getTemperature = {
  type: "function",
  function: {
    name: "get_temperature",
    description: "Get the current temperature in a given location",
    parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  },
};

test("a tool call comes back with its id, name and raw arguments", async () => {
  const completion = await client.chat.completions.create({
    model: "tensorzero::function_name::weather",
    messages: user("What's the weather in Brooklyn?"),
    tool_choice: "auto",
    parallel_tool_calls: false,
  });

  const choice = completion.choices[0];
  assert.equal(choice.finish_reason, "tool_calls");
  assert.equal(choice.message.content, null);
  assert.deepEqual(choice.message.tool_calls, [
    { id: "0", type: "function", function: { name: "get_temperature", arguments: '{"location":"Brooklyn","units":"celsius"}' } },
  ]);
});

test("tools passed in the request are offered, and a named tool choice is accepted", async () => {
  const completion = await client.chat.completions.create({
    model: "tensorzero::model_name::dummy::tool",
    messages: user("Weather?"),
    tools: [getTemperature],
    tool_choice: { type: "function", function: { name: "get_temperature" } },
  });

  assert.equal(completion.choices[0].message.tool_calls[0].function.name, "get_temperature");
});

test("a conversation can send tool results back", async () => {
  const first = await client.chat.completions.create({ model: "tensorzero::function_name::weather", messages: user("Weather in Brooklyn?") });
  const assistant = first.choices[0].message;

  const completion = await client.chat.completions.create({
    model: "tensorzero::function_name::echo",
    messages: [
      ...user("Weather in Brooklyn?"),
      assistant,
      { role: "tool", tool_call_id: assistant.tool_calls[0].id, content: "21 degrees" },
      ...user("Thanks!"),
    ],
  });

  assert.equal(completion.choices[0].message.content, "Thanks!");
});
