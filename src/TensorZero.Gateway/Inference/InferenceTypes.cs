using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Inference;

public enum Role
{
    User,
    Assistant,
}

/// <summary>A provider-neutral piece of message content.</summary>
public abstract record ContentBlock;

/// <summary>Plain text.</summary>
public sealed record TextBlock(string Text) : ContentBlock;

/// <summary>One turn of the conversation.</summary>
public sealed record RequestMessage(Role Role, IReadOnlyList<ContentBlock> Content);

/// <summary>What a variant asks of a model: provider-neutral, so each provider maps it to its own wire format.</summary>
public sealed record ModelRequest(
    string? System,
    IReadOnlyList<RequestMessage> Messages,
    InferenceParams Params,
    IReadOnlyList<ExtraBodyItem> ExtraBody,
    IReadOnlyList<ExtraHeaderItem> ExtraHeaders);

/// <summary>Token counts; null when the provider did not report them.</summary>
public sealed record Usage(long? InputTokens, long? OutputTokens)
{
    public static readonly Usage Unknown = new(null, null);
}

public enum FinishReason
{
    Stop,
    StopSequence,
    Length,
    ToolCall,
    ContentFilter,
    Unknown,
}

/// <summary>A provider's answer, mapped back to provider-neutral content.</summary>
/// <param name="RawRequest">The body sent (never headers, so never a key).</param>
/// <param name="RawResponse">The body received.</param>
public sealed record ProviderResponse(
    IReadOnlyList<ContentBlock> Content,
    Usage Usage,
    FinishReason? FinishReason,
    string RawRequest,
    string RawResponse);
