using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Integrity;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// <c>GET /api/signing-keys</c>: the public keys that sign manifests and audit entries (docs/TAMPER_EVIDENCE.md), for
/// <c>RecorderAdmin verify --keys</c>; <c>GET /api/signing-keys/{keyId}.pem</c> one of them as a PEM file.
/// </summary>
internal static class SigningKeysEndpoints
{
    public static RouteGroupBuilder MapSigningKeysApi(this RouteGroupBuilder api)
    {
        api.MapGet("/signing-keys", ListAsync).WithName("ListSigningKeys").WithTags("Integrity");
        api.MapGet("/signing-keys/{keyId}.pem", PemAsync).WithName("GetSigningKeyPem").WithTags("Integrity");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<SigningKeyDto>>> ListAsync(SigningKeyDirectory keys, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<SigningKeyDto>>([.. (await keys.ListAsync(cancellationToken)).Select(k => new SigningKeyDto(k.KeyId, k.Node, "ES256", k.PublicKeyPem))]);

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> PemAsync(string keyId, SigningKeyDirectory keys, CancellationToken cancellationToken)
    {
        var key = (await keys.ListAsync(cancellationToken)).FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.OrdinalIgnoreCase));
        return key.PublicKeyPem is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Signing key not found", detail: $"No signing key with id '{keyId}'.")
            : TypedResults.Text(key.PublicKeyPem, "application/x-pem-file");
    }
}
