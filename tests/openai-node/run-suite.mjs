// Builds the gateway once, starts it on a free local port with this folder's offline config, waits for
// `GET /status`, runs the node:test files against it and stops it. The exit code is the tests' exit code.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const project = join(repo, "src", "TensorZero.Gateway", "TensorZero.Gateway.csproj");
const dll = join(repo, "src", "TensorZero.Gateway", "bin", "Debug", "net10.0", "TensorZero.Gateway.dll");

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForStatus(url, gateway, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gateway.exitCode !== null || gateway.signalCode !== null) {
      throw new Error(`the gateway exited (${gateway.exitCode ?? gateway.signalCode}) before it was ready`);
    }
    try {
      const response = await fetch(`${url}/status`);
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the gateway did not answer GET /status within ${timeoutMs / 1000} s`);
}

const build = spawnSync("dotnet", ["build", project, "-c", "Debug", "--nologo", "-v", "quiet"], { stdio: "inherit" });
if (build.status !== 0) {
  console.error("dotnet build failed");
  process.exit(build.status ?? 1);
}

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const logs = [];
const gateway = spawn("dotnet", [dll, "--config-file", join(here, "tensorzero.toml")], {
  env: { ...process.env, TENSORZERO_GATEWAY_BIND_ADDRESS: `127.0.0.1:${port}` },
  stdio: ["ignore", "pipe", "pipe"],
});
gateway.stdout.on("data", (data) => logs.push(data));
gateway.stderr.on("data", (data) => logs.push(data));
const hasExited = () => gateway.exitCode !== null || gateway.signalCode !== null;
const stopGateway = () => {
  if (!hasExited()) {
    gateway.kill("SIGTERM");
  }
};
process.on("SIGINT", () => {
  stopGateway();
  process.exit(130);
});

let code = 1;
try {
  await waitForStatus(url, gateway, 60_000);
  const files = readdirSync(join(here, "test")).filter((f) => f.endsWith(".test.mjs")).map((f) => join(here, "test", f));
  // Asynchronous, so the gateway's output keeps being drained while the tests run.
  const tests = spawn(process.execPath, ["--test", ...files], {
    stdio: "inherit",
    env: { ...process.env, TENSORZERO_GATEWAY_URL: url },
  });
  code = await new Promise((resolve) => tests.on("exit", (status) => resolve(status ?? 1)));
} catch (error) {
  console.error(error.message);
} finally {
  // Wait for a graceful shutdown, so no gateway outlives the suite; force it after 10 s.
  const exited = new Promise((resolve) => (hasExited() ? resolve() : gateway.once("exit", resolve)));
  stopGateway();
  const force = setTimeout(() => gateway.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(force);
}
if (code !== 0) {
  console.error(`--- gateway output ---\n${Buffer.concat(logs).toString()}`);
}
process.exit(code);
