using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TensorZero.Gateway.Tests.Credentials;

/// <summary>
/// A provider key in a <c>path::</c> file rotated ten times under load, the way a Kubernetes secret is updated (a new
/// file renamed over the old), while the provider accepts only the current key (and the old one during the overlap).
/// </summary>
public sealed class KeyRotationFunctionalTests(ITestOutputHelper output)
{
    private const int Rotations = 10;
    private const int Clients = 8;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private sealed record Outcome(HttpStatusCode Status, int? KeyIndex, long ReloadsAtStart, int WrittenAtEnd);

    [Fact]
    public async Task Inference_KeyFileSwappedTenTimesUnderLoad_NoRequestFailsAndEachCarriesACurrentKey()
    {
        var keys = Enumerable.Range(0, Rotations + 1).Select(i => $"sk-rotation-{i:D2}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}").ToArray();
        await using var provider = await RotatingKeyServer.StartAsync();
        provider.Accept((keys[0], 0));
        using var gateway = new GatewayFactory(
            $$"""
            [models.m]
            routing = ["rotating"]
            [models.m.providers.rotating]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{provider.BaseUrl}}"
            api_key_location = "path::keys/openai.key"
            """,
            files: new Dictionary<string, string> { ["keys/openai.key"] = keys[0] + "\n" });
        var client = gateway.CreateClient();
        var reloader = gateway.Services.GetRequiredService<CredentialFileReloader>();
        var keyPath = Path.Combine(gateway.Directory, "keys", "openai.key");

        var outcomes = new ConcurrentQueue<Outcome>();
        var inFlight = new ConcurrentDictionary<long, long>(); // request id -> reloads counted when it started
        var written = 0;
        var nextId = 0L;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var id = Interlocked.Increment(ref nextId);
                var reloadsAtStart = reloader.ReloadsSucceeded;
                inFlight[id] = reloadsAtStart;
                var (status, body, _) = await client.PostInferenceAsync(new { model_name = "m", input = GatewayClient.UserMessage("hi") });
                var text = status == HttpStatusCode.OK ? body["content"]![0]!["text"]!.GetValue<string>() : null;
                outcomes.Enqueue(new Outcome(status, text is null ? null : int.Parse(text["key ".Length..], System.Globalization.CultureInfo.InvariantCulture), reloadsAtStart, Volatile.Read(ref written)));
                inFlight.TryRemove(id, out var _);
            }
        })).ToArray();

        var clock = Stopwatch.StartNew();
        try
        {
            await RotateAsync();
        }
        finally
        {
            // The load stops however the rotations ended, so a failed wait ends the test instead of leaving clients running.
            await stop.CancelAsync();
            await Task.WhenAll(load);
            clock.Stop();
        }

        async Task RotateAsync()
        {
            await WaitUntil(() => provider.Served(0) >= 50, "requests with the first key");
            for (var i = 1; i <= Rotations; i++)
            {
                // The provider learns the new key first and keeps the old one for the overlap.
                provider.Accept((keys[i - 1], i - 1), (keys[i], i));
                Interlocked.Increment(ref written);
                var temporary = keyPath + ".tmp";
                await File.WriteAllTextAsync(temporary, keys[i] + "\n");
                File.Move(temporary, keyPath, overwrite: true);

                var rotation = i;
                await WaitUntil(() => reloader.ReloadsSucceeded >= rotation, $"reload {rotation}");
                // Requests that started before the swap may carry the old key: the old key is revoked once they are done.
                await WaitUntil(() => inFlight.Values.All(r => r >= rotation), $"requests started before reload {rotation}");
                provider.Accept((keys[i], i));
                await WaitUntil(() => provider.Served(rotation) >= 50, $"requests with key {rotation} alone");
            }
        }

        var all = outcomes.ToArray();
        output.WriteLine($"{all.Length} requests in {clock.Elapsed.TotalSeconds:F1} s ({all.Length / clock.Elapsed.TotalSeconds:F0}/s) with {Clients} clients; {Rotations} rotations");
        Assert.All(all, o => Assert.Equal(HttpStatusCode.OK, o.Status));
        Assert.Equal(0, provider.Rejected);
        // No request carried a key older than the one in use when it started, nor one not yet written when it ended.
        Assert.All(all, o => Assert.InRange(o.KeyIndex!.Value, o.ReloadsAtStart, o.WrittenAtEnd));
        Assert.All(Enumerable.Range(0, Rotations + 1), i => Assert.True(provider.Served(i) >= 50));
        Assert.Equal(Rotations, reloader.ReloadsSucceeded);
        Assert.Equal(0, reloader.ReloadsFailed);
        Assert.Equal(Rotations, gateway.Logs.Lines.Count(l => l.Contains("Credentials file reloaded for `models.m.providers.rotating.api_key_location`", StringComparison.Ordinal)));
        Assert.All(keys, key => Assert.DoesNotContain(key, gateway.Logs.All, StringComparison.Ordinal));
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains($"tensorzero_credential_file_reloads_total{{result=\"success\"}} {Rotations}", metrics, StringComparison.Ordinal);
        Assert.Contains("tensorzero_credential_file_reloads_total{result=\"failure\"} 0", metrics, StringComparison.Ordinal);
        Assert.All(keys, key => Assert.DoesNotContain(key, metrics, StringComparison.Ordinal));
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < StepTimeout, $"timed out waiting for {what}");
            await Task.Delay(5);
        }
    }
}
