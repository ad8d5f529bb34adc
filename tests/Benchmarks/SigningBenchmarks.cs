using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using OrleansRecorder.Silo.Integrity;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Benchmarks;

/// <summary>
/// Tamper evidence (docs/TAMPER_EVIDENCE.md), single-threaded, the node's real key and chain code. <c>SealManifest</c>
/// is what finalizing a recording adds beyond serializing its manifest: the SHA-256 of a 3 KB manifest, the ECDSA P-256
/// signature of the seal's message and its link; <c>CheckManifest</c> is the playback check (the manifest's SHA-256
/// and the signature verified); <c>AuditAppend</c> and <c>AuditCheck</c> sign and check one audit entry;
/// <c>ChainOf1000</c> is verify's chain walk over 1,000 entries (per entry: the mean / 1,000). The audio's own SHA-256
/// (at finalize, at playback start, in verify) is the existing cost of the file hash, about 2 ms per MB.
/// </summary>
[MemoryDiagnoser]
public class SigningBenchmarks
{
    private NodeSigningKey _key = null!;
    private SigningKeySet _publicKeys = null!;
    private byte[] _manifest = null!;
    private byte[] _message = null!;
    private byte[] _signature = null!;
    private ChainedAuditEntry _signedEntry = null!;
    private List<ChainEntry> _chain = null!;
    private readonly AuditEntry _entry = new(17, DateTimeOffset.UnixEpoch, "alice", "192.0.2.1", "play", "rec-1", "bytes=0-");

    [GlobalSetup]
    public void Setup()
    {
        _key = NodeSigningKey.FromKey(ECDsa.Create(ECCurve.NamedCurves.nistP256), "node-a");
        _publicKeys = _key.PublicKeys();
        // A CUCM call's manifest is 2.5-4 KB of JSON; a SIPREC one with participants a little more.
        _manifest = RandomNumberGenerator.GetBytes(3 * 1024);
        _message = Encoding.UTF8.GetBytes($"[\"ORSEAL1\",\"{_key.KeyId}\",\"node-a\",123456,\"{new string('a', 64)}\",\"0f8e6d1c-5b2a-4e3d-9c7b-1a2b3c4d5e6f\",\"{new string('b', 64)}\"]");
        _signature = _key.Sign(_message);
        var (hash, signature) = AuditChain.Sign(_key, HashChainVerifier.Genesis, _entry);
        _signedEntry = new ChainedAuditEntry(_entry, HashChainVerifier.Genesis, hash, _key.KeyId, signature);
        _chain = [];
        var prev = HashChainVerifier.Genesis;
        for (var i = 1; i <= 1000; i++)
        {
            var link = Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)));
            _chain.Add(new ChainEntry("rec-" + i, "rec-" + i, i, link, prev, i == 1 ? null : "rec-" + (i - 1), ChainContent.Valid));
            prev = link;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _publicKeys.Dispose();
        _key.Dispose();
    }

    [Benchmark]
    public byte[] SealManifest()
    {
        _ = SHA256.HashData(_manifest);
        var signature = _key.Sign(_message);
        _ = SHA256.HashData(_message);
        return signature;
    }

    [Benchmark]
    public bool CheckManifest()
    {
        _ = SHA256.HashData(_manifest);
        return _publicKeys.Verify(_key.KeyId, _message, _signature);
    }

    [Benchmark]
    public string AuditAppend() => AuditChain.Sign(_key, HashChainVerifier.Genesis, _entry).Hash;

    [Benchmark]
    public bool AuditCheck() => AuditChain.Check(_signedEntry, _publicKeys).Content == ChainContent.Valid;

    [Benchmark]
    public int ChainOf1000() => HashChainVerifier.Verify(_chain).Count;
}
