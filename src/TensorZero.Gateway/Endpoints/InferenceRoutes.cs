using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// The singletons the inference routes use, resolved once when the routes are mapped. A handler that takes them as
/// parameters, or asks <c>HttpContext.RequestServices</c> for them, makes the host create and dispose a DI scope for
/// every request, though none of them is scoped.
/// </summary>
public sealed record InferenceRoutes(
    InferenceService Inference,
    GatewayConfig Config,
    TimeProvider Time,
    ProtectedHeaders ProtectedHeaders,
    InferenceRecorder Recorder,
    SecretRegistry Secrets)
{
    public static InferenceRoutes From(IServiceProvider services) => new(
        services.GetRequiredService<InferenceService>(),
        services.GetRequiredService<GatewayConfig>(),
        services.GetRequiredService<TimeProvider>(),
        services.GetRequiredService<ProtectedHeaders>(),
        services.GetRequiredService<InferenceRecorder>(),
        services.GetRequiredService<SecretRegistry>());

    /// <summary><c>[gateway] client_write_timeout_ms</c>: how long one write of a stream may wait for its client.</summary>
    public TimeSpan ClientWriteTimeout => TimeSpan.FromMilliseconds(Config.Gateway.ClientWriteTimeoutMs);
}
