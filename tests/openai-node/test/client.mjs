// The OpenAI client every test uses: pointed at the gateway under test, no retries (a 5xx must surface as is).
// The API key is not a provider credential; the gateway ignores it.
import OpenAI from "openai";

const url = process.env.TENSORZERO_GATEWAY_URL;
if (!url) {
  throw new Error("TENSORZERO_GATEWAY_URL is not set: run the suite with `npm test`, which starts the gateway");
}

export const client = new OpenAI({ baseURL: `${url}/openai/v1`, apiKey: "not-a-provider-key", maxRetries: 0 });

export const user = (content) => [{ role: "user", content }];
