namespace OrleansRecorder.Silo.Licensing;

/// <summary>
/// The licence file: a JSON envelope around the signed bytes, so what was signed is never ambiguous.
/// </summary>
/// <remarks>
/// <code>
/// {
///   "license":   "&lt;base64 of the UTF-8 JSON of a LicenseDocument&gt;",
///   "signature": "&lt;base64 of the ECDSA P-256 / SHA-256 signature of exactly those bytes, IEEE P1363 (r||s, 64 bytes)&gt;"
/// }
/// </code>
/// The payload JSON has camelCase fields <c>licenseId</c>, <c>customer</c> (optional), <c>node</c>, <c>role</c>
/// (<c>primary</c>/<c>backup</c>), <c>channels</c>, <c>issuedAt</c> and <c>expiresAt</c> (ISO 8601 with offset).
/// Verification decodes <c>license</c>, checks the signature over those bytes with the configured public key (PEM,
/// SubjectPublicKeyInfo) and only then parses them; no re-serialization or canonicalization is involved.
/// </remarks>
internal sealed record LicenseEnvelope
{
    public required string License { get; init; }
    public required string Signature { get; init; }
}
