using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Store;

/// <summary>Sees every chunk of a stream as it is read, and its normal end (not a failure or a client leaving).</summary>
public sealed record ModelStreamObserver(Action<ProviderStreamChunk> OnChunk, Action OnCompleted);
