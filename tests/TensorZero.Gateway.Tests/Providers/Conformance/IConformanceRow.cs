using Microsoft.Extensions.DependencyInjection;

namespace TensorZero.Gateway.Tests.Providers.Conformance;

/// <summary>
/// One row of the credential table as the conformance suite drives it. Every provider type registers its rows in
/// <see cref="ConformanceRows.All"/>; the suite runs every scenario for every row.
/// </summary>
/// <remarks>
/// The fake behind a row answers as the real API would, and all fakes follow one contract so the suite can check them alike:
/// <list type="bullet">
/// <item>a request offering tools gets a call to the first tool, with arguments <c>{"location":"Brooklyn"}</c>;</item>
/// <item>otherwise a request asking for JSON (JSON mode / response schema / the provider's way) gets the text <c>{"answer":"Hello"}</c>;</item>
/// <item>otherwise the text <c>echo: </c> followed by the last user message's text;</item>
/// <item>streamed answers carry the same content in at least two pieces and report usage;</item>
/// <item>usage is always reported with non-zero input and output tokens.</item>
/// </list>
/// </remarks>
public interface IConformanceRow
{
    /// <summary>The row's label in test names, e.g. <c>openai</c>, <c>openai-compatible</c>, <c>azure</c>.</summary>
    string Name { get; }

    /// <summary>The TOML <c>type</c>.</summary>
    string ProviderType { get; }

    /// <summary>
    /// False for provider types without tool use on the wire (Hyperbolic): the gateway then sends no tools, as
    /// TensorZero does, and the suite checks that the answer is plain text.
    /// </summary>
    bool SupportsTools => true;

    /// <summary>False for provider types without a JSON mode on the wire (TGI, Hyperbolic): the request still succeeds as plain text.</summary>
    bool SupportsJsonMode => true;

    /// <summary>
    /// False for provider types whose credential fields take one location each (the AWS IAM fields of
    /// <c>aws_sagemaker</c>): <see cref="IConformanceFake.Fallback"/> then writes the fallback form, and the suite checks
    /// that the gateway refuses it at startup.
    /// </summary>
    bool SupportsFallback => true;

    Task<IConformanceFake> StartFakeAsync();
}

/// <summary>How to configure a provider so it reaches the fake with a given credential, and what the fake should see.</summary>
/// <param name="ProviderToml">The keys of <c>[models.m.providers.p]</c> (one per line, no table header), credential key included when the scenario needs one.</param>
/// <param name="Environment">The gateway's environment variables for this scenario.</param>
/// <param name="Credentials">The request's <c>credentials</c> map.</param>
/// <param name="ExpectedIdentity">What the fake reports in <see cref="IConformanceFake.Authenticated"/> for a request of this scenario (null: no auth sent).</param>
/// <param name="Services">
/// Changes to the gateway's services, for a default credential the gateway does not read from its environment (the AWS
/// SDK chain reads the process's own): the row swaps in its provider factory with the chain's source replaced.
/// </param>
public sealed record ConformanceSetup(
    string ProviderToml,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Credentials,
    string? ExpectedIdentity,
    Action<IServiceCollection>? Services = null);

/// <summary>A running fake server for one row. Each scenario method mints fresh canary credentials that the fake accepts.</summary>
public interface IConformanceFake : IAsyncDisposable
{
    /// <summary>No credential configured: the provider type's default (environment variable, file, SDK chain or none).</summary>
    ConformanceSetup DefaultCredential();

    /// <summary>An explicit static location (<c>env::MY_VAR</c>; <c>path_from_env::</c> for GCP) overriding the default.</summary>
    ConformanceSetup EnvOverride();

    /// <summary>A <c>dynamic::</c> location, with the value in the request's credentials.</summary>
    ConformanceSetup Dynamic();

    /// <summary>
    /// <c>{ default = "dynamic::...", fallback = "env::..." }</c> (or the provider's equivalent). The first setup sends the
    /// dynamic credential and expects it; the second sends none and expects the fallback.
    /// </summary>
    (ConformanceSetup WithDynamic, ConformanceSetup WithoutDynamic) Fallback();

    /// <summary>A setup whose credential the fake rejects, answering with the provider's real error shape for <paramref name="status"/> (echoing the key where the real API does).</summary>
    ConformanceSetup Rejected(int status);

    /// <summary>The identity the fake authenticated for each request so far, in order; null for a request without auth.</summary>
    IReadOnlyList<string?> Authenticated { get; }

    /// <summary>Every secret the fake has handed out, to search for in responses and logs.</summary>
    IReadOnlyCollection<string> Canaries { get; }
}
