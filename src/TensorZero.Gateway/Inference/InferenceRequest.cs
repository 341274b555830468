using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Inference;

/// <summary><c>input</c> of <c>POST /inference</c>.</summary>
public sealed record InferenceInput(string? System, IReadOnlyList<RequestMessage> Messages);

/// <summary>A validated <c>POST /inference</c> body.</summary>
public sealed record InferenceRequest(
    string? FunctionName,
    string? ModelName,
    Guid? EpisodeId,
    InferenceInput Input,
    string? VariantName,
    InferenceParams Params,
    IReadOnlyDictionary<string, string> Tags,
    RequestCredentials Credentials,
    bool Dryrun,
    bool IncludeOriginalResponse,
    bool Stream = false);

/// <summary>The outcome of a successful inference.</summary>
public sealed record InferenceResult(
    Guid InferenceId,
    Guid EpisodeId,
    string VariantName,
    FunctionType FunctionType,
    ModelResult Model);

/// <summary>A streamed inference whose first chunk has arrived.</summary>
public sealed record InferenceStreamResult(
    Guid InferenceId,
    Guid EpisodeId,
    string VariantName,
    FunctionType FunctionType,
    ModelStreamRun Run);
