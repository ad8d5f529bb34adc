namespace OrleansRecorder.Silo.Web;

/// <summary>A public signing key: its id (as in seals and audit rows), the node, the algorithm (JOSE name) and the PEM.</summary>
internal sealed record SigningKeyDto(string KeyId, string Node, string Algorithm, string PublicKeyPem);
