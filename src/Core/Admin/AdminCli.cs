using System.Data.Common;
using System.Globalization;
using Azure;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Security;
using OrleansRecorder.Silo.Storage;

namespace OrleansRecorder.Silo.Admin;

/// <summary>
/// The operator commands of <c>tools/RecorderAdmin</c> (a shell around <see cref="RunAsync"/>; tests call it in-process).
/// </summary>
/// <remarks>
/// Exit codes: 0 done and everything was in order; 1 done, but something needs the operator (<c>rebuild</c>: invalid
/// manifests were skipped; <c>verify</c>: an invalid manifest, or audio still missing or corrupt after the run);
/// 2 bad command line; 3 a store or the database could not be read or written. Both commands are safe to interrupt
/// and run again: the catalog add is idempotent and a repair becomes visible only by an atomic rename.
/// </remarks>
internal static class AdminCli
{
    public const int Success = 0;
    public const int NeedsAttention = 1;
    public const int UsageError = 2;
    public const int StoreError = 3;

    public const string DefaultContainer = "recordings";

    public const string Usage = """
        Usage: RecorderAdmin <command> [options]

          rebuild (--store <data-dir> | --shared <connection-string> [--container recordings])
                  --provider <sqlite|postgres> --connection <connection-string>
              Add every recording of a store to the catalog, from its manifests: a node's data directory (the folder
              that holds recordings/) or the shared blob store. A manifest is used when its JSON parses, its id is its
              file name, it sits in the folder of its start day and its audio is there with the manifest's size.
              Recordings already in the catalog are left as they are; deleted (tombstoned) ones are not brought back.
              Applies the database schema first. Exit code 1 when invalid manifests were skipped.

          verify (--store <data-dir> | --export <export-folder>) [--keys <public-key.pem|folder>[,...]]
                 [--provider <sqlite|postgres> --connection <connection-string>]
                 [--repair-from <other-data-dir> | --repair-shared <connection-string> [--container recordings]]
              Recompute the SHA-256 of every audio file of a node's store (or an export) against its manifest and
              report missing and corrupt copies. With --keys (the nodes' public signing keys, GET /api/signing-keys):
              check every manifest's ECDSA signature and each node's chain of recordings, and report every recording
              changed, removed, reordered or inserted (docs/TAMPER_EVIDENCE.md). With --provider/--connection too:
              the same for the audit log's chain, and removals the catalog has a tombstone for are listed as
              deletions. With a repair source, replace each missing or corrupt copy with the source's once that
              copy's size and SHA-256 match the manifest (written beside it, then renamed into place).
              Exit code 1 when anything above was found (after any repair).

          rewrap --provider <sqlite|postgres> --connection <connection-string> --from <kek-id>=<key-file> --to <kek-id>=<key-file>
              KEK rotation: unwrap every recording's data key wrapped by --from and wrap it with --to, in the catalog
              only (the audio is not touched). A key file is an AES-256 key (32 bytes, base64 or hex) or an RSA key in
              PEM (--to may be a public key alone). Then make --to the nodes' active KEK. Exit code 1 when a key failed.

          decrypt --provider <sqlite|postgres> --connection <connection-string> --id <recording-id> --file <stored-audio>
                  --key <kek-id>=<key-file> --out <plain-audio>
              Decrypt one stored (encrypted) audio file with the recording's data key from the catalog, unwrapped by
              --key: the way to play a recording of a node in public-key-only mode, with the RSA private key.

        Exit codes: 0 all in order, 1 needs attention (see above), 2 bad command line, 3 a store or the database failed.
        """;

    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, IAdminProgress? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        progress ??= new PlainProgress(output);
        if (args.Length == 0)
        {
            error.WriteLine(Usage);
            return UsageError;
        }

        if (args[0] is "help" or "--help" or "-h")
        {
            output.WriteLine(Usage);
            return Success;
        }

        if (!TryParseOptions(args.AsSpan(1), out var options, out var problem))
        {
            return Fail(error, problem);
        }

        try
        {
            return args[0] switch
            {
                "rebuild" => await RebuildAsync(options, output, error, progress, cancellationToken),
                "verify" => await VerifyAsync(options, output, error, progress, cancellationToken),
                "rewrap" => await RewrapAsync(options, output, error, progress, cancellationToken),
                "decrypt" => await DecryptAsync(options, output, error, cancellationToken),
                _ => Fail(error, $"unknown command '{args[0]}'"),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DbException or RequestFailedException or AggregateException)
        {
            error.WriteLine($"error: {e.Message}");
            return StoreError;
        }
    }

    private static async Task<int> RebuildAsync(
        Dictionary<string, string> options, TextWriter output, TextWriter error, IAdminProgress progress, CancellationToken cancellationToken)
    {
        if (Check(options, ["provider", "connection"], ["store", "shared", "container"]) is { } problem)
        {
            return Fail(error, problem);
        }

        if (options.ContainsKey("store") == options.ContainsKey("shared"))
        {
            return Fail(error, "give exactly one of --store and --shared");
        }

        if (options.ContainsKey("container") && !options.ContainsKey("shared"))
        {
            return Fail(error, "--container goes with --shared");
        }

        if (OpenSource(options, "store", "shared", error, out var store) is { } exitCode)
        {
            return exitCode;
        }

        var (catalog, catalogExitCode) = await OpenCatalogAsync(options, error, cancellationToken);
        if (catalog is null)
        {
            return catalogExitCode;
        }

        var provider = options["provider"].Trim().ToLowerInvariant();
        var total = await store.CountManifestsAsync(cancellationToken);
        var report = await progress.RunAsync("rebuild", total, p => new CatalogRebuilder(catalog).RunAsync(store, p, cancellationToken));

        output.WriteLine($"rebuild of the {provider} catalog from {store.Description}: {Count(report.Read)} manifests");
        output.WriteLine($"  added:              {Count(report.Added)}");
        output.WriteLine($"  already present:    {Count(report.AlreadyPresent)}");
        output.WriteLine($"  skipped tombstoned: {Count(report.SkippedTombstoned)}");
        output.WriteLine($"  invalid:            {Count(report.Invalid.Count)}");
        WriteProblems(output, report.Invalid);
        return report.Invalid.Count == 0 ? Success : NeedsAttention;
    }

    private static async Task<int> RewrapAsync(
        Dictionary<string, string> options, TextWriter output, TextWriter error, IAdminProgress progress, CancellationToken cancellationToken)
    {
        if (Check(options, ["provider", "connection", "from", "to"], []) is { } problem)
        {
            return Fail(error, problem);
        }

        if (!TryLoadKey(options, "from", error, out var from) || !TryLoadKey(options, "to", error, out var to))
        {
            return UsageError;
        }

        if (from.Id == to.Id)
        {
            return Fail(error, "--from and --to name the same KEK id");
        }

        var (catalog, exitCode) = await OpenCatalogAsync(options, error, cancellationToken);
        if (catalog is null)
        {
            return exitCode;
        }

        var report = await progress.RunAsync("rewrap", null, p => new DataKeyRewrapper(catalog, from, to).RunAsync(p, cancellationToken));
        output.WriteLine($"rewrap from {from.Id} to {to.Id}: {Count(report.Read)} data keys");
        output.WriteLine($"  rewrapped:    {Count(report.Rewrapped)}");
        output.WriteLine($"  other KEK:    {Count(report.OtherKek)}");
        output.WriteLine($"  failed:       {Count(report.Failed.Count)}");
        WriteProblems(output, report.Failed);
        return report.Failed.Count == 0 ? Success : NeedsAttention;
    }

    private static async Task<int> DecryptAsync(
        Dictionary<string, string> options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (Check(options, ["provider", "connection", "id", "file", "key", "out"], []) is { } problem)
        {
            return Fail(error, problem);
        }

        if (!TryLoadKey(options, "key", error, out var kek))
        {
            return UsageError;
        }

        var (catalog, exitCode) = await OpenCatalogAsync(options, error, cancellationToken);
        if (catalog is null)
        {
            return exitCode;
        }

        var id = options["id"];
        if (await catalog.GetDataKeyAsync(id, cancellationToken) is not { } wrapped)
        {
            var erased = await catalog.GetTombstoneAsync(id, cancellationToken);
            error.WriteLine(erased is null
                ? $"error: the catalog holds no data key for recording {id}"
                : $"error: recording {id} was erased {erased.DeletedAt:O} ({erased.Reason}, by {erased.Actor ?? "system"}): its data key no longer exists");
            return NeedsAttention;
        }

        byte[] dataKey;
        try
        {
            dataKey = new KeyRing([kek], kek.Id).Unwrap(wrapped);
        }
        catch (KeyUnavailableException e)
        {
            error.WriteLine($"error: {e.Message}");
            return NeedsAttention;
        }

        try
        {
            var temp = options["out"] + ".partial";
            await using (var input = new DecryptingStream(File.OpenRead(options["file"]), dataKey))
            await using (var target = File.Create(temp))
            {
                await input.CopyToAsync(target, cancellationToken);
            }

            File.Move(temp, options["out"], overwrite: true);
            output.WriteLine($"decrypted recording {id} to {options["out"]}");
            return Success;
        }
        catch (RecordingTamperedException e)
        {
            error.WriteLine($"error: {e.Message}");
            return NeedsAttention;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private static bool TryLoadKey(Dictionary<string, string> options, string name, TextWriter error, out IKeyEncryptionKey key)
    {
        try
        {
            key = KeyRing.FromSpec(options[name]);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            key = null!;
            Fail(error, $"--{name}: {e.Message}");
            return false;
        }
    }

    /// <summary>The catalog of <c>--provider</c> / <c>--connection</c>, schema applied; null with the exit code when it cannot be had.</summary>
    private static async Task<(IRecordingCatalog? Catalog, int ExitCode)> OpenCatalogAsync(
        Dictionary<string, string> options, TextWriter error, CancellationToken cancellationToken)
    {
        var provider = options["provider"].Trim().ToLowerInvariant();
        var connection = options["connection"];
        IRecordingCatalog catalog;
        try
        {
            switch (provider)
            {
                case "sqlite":
                    await SqliteClusterSchema.ApplyAsync(connection, cancellationToken);
                    catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, connection);
                    break;
                case "postgres":
                    await PostgresClusterSchema.ApplyAsync(connection, cancellationToken);
                    catalog = new DbRecordingCatalog(PostgresCatalogDialect.Instance, connection);
                    break;
                default:
                    return (null, Fail(error, $"--provider must be sqlite or postgres, not '{options["provider"]}'"));
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return (null, Fail(error, $"--connection is not a valid {provider} connection string: {e.Message}"));
        }

        await catalog.InitializeAsync(cancellationToken);
        return (catalog, Success);
    }

    private static async Task<int> VerifyAsync(
        Dictionary<string, string> options, TextWriter output, TextWriter error, IAdminProgress progress, CancellationToken cancellationToken)
    {
        if (Check(options, [], ["store", "export", "keys", "provider", "connection", "repair-from", "repair-shared", "container"]) is { } problem)
        {
            return Fail(error, problem);
        }

        if (options.ContainsKey("store") == options.ContainsKey("export"))
        {
            return Fail(error, "give exactly one of --store and --export");
        }

        if (options.ContainsKey("provider") != options.ContainsKey("connection"))
        {
            return Fail(error, "--provider and --connection go together");
        }

        if (!options.ContainsKey("keys") && (options.ContainsKey("export") || options.ContainsKey("provider")))
        {
            return Fail(error, "--export and the audit check (--provider, --connection) need the public keys: --keys");
        }

        if (options.ContainsKey("repair-from") && options.ContainsKey("repair-shared"))
        {
            return Fail(error, "give at most one of --repair-from and --repair-shared");
        }

        if (options.ContainsKey("export") && (options.ContainsKey("repair-from") || options.ContainsKey("repair-shared")))
        {
            return Fail(error, "an export is verified, not repaired: --repair-from and --repair-shared go with --store");
        }

        using var keys = new Integrity.SigningKeySet();
        if (options.TryGetValue("keys", out var keyPaths))
        {
            foreach (var keyPath in keyPaths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                try
                {
                    keys.AddPath(keyPath);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    return Fail(error, $"--keys: {keyPath}: {e.Message}");
                }
            }

            if (keys.Count == 0)
            {
                return Fail(error, $"--keys: no public key in {keyPaths}");
            }
        }

        var chains = keys.Count > 0 ? new Integrity.RecordingChains(keys) : null;
        VerifyReport report;
        string description;
        IStoreReader? repairSource = null;
        if (options.TryGetValue("export", out var exportFolder))
        {
            if (!Directory.Exists(exportFolder))
            {
                error.WriteLine($"error: --export: no directory {Path.GetFullPath(exportFolder)}");
                return StoreError;
            }

            description = $"export {Path.GetFullPath(exportFolder)}";
            report = await progress.RunAsync("verify", null, p => ExportVerifier.RunAsync(exportFolder, chains!, p, cancellationToken));
        }
        else
        {
            if (OpenSource(options, "store", null, error, out var opened) is { } exitCode)
            {
                return exitCode;
            }

            var store = (FileStoreReader)opened;
            if (options.ContainsKey("repair-from") || options.ContainsKey("repair-shared"))
            {
                if (OpenSource(options, "repair-from", "repair-shared", error, out repairSource) is { } repairExitCode)
                {
                    return repairExitCode;
                }

                if (repairSource is FileStoreReader other && string.Equals(other.Root, store.Root, StringComparison.Ordinal))
                {
                    return Fail(error, "--repair-from is the store itself");
                }
            }
            else if (options.ContainsKey("container"))
            {
                return Fail(error, "--container goes with --repair-shared");
            }

            description = store.Description;
            var total = await store.CountManifestsAsync(cancellationToken);
            report = await progress.RunAsync("verify", total, p => StoreVerifier.RunAsync(store, repairSource, chains, p, cancellationToken));
        }

        if (options.ContainsKey("provider"))
        {
            var (catalog, catalogExitCode) = await OpenCatalogAsync(options, error, cancellationToken);
            if (catalog is null)
            {
                return catalogExitCode;
            }

            DbSecurityStore security = options["provider"].Trim().ToLowerInvariant() == "postgres"
                ? new PostgresSecurityStore(options["connection"])
                : new SqliteSecurityStore(options["connection"]);
            await AuditVerifier.RunAsync(security, keys, report, cancellationToken);

            // The newest recordings removed: only the nodes' signed checkpoints in the audit log show it.
            if (chains is not null)
            {
                report.Recordings.AddRange(chains.HeadFindings(report.Checkpoints));
            }

            await ExplainDeletionsAsync(catalog, report, cancellationToken);
        }

        WriteVerifyReport(output, report, description, repairSource);
        return report.IsHealthy ? Success : NeedsAttention;
    }

    /// <summary>Moves the removals of recordings the catalog has a tombstone for to the report's deletions.</summary>
    private static async Task ExplainDeletionsAsync(IRecordingCatalog catalog, VerifyReport report, CancellationToken cancellationToken)
    {
        for (var i = report.Recordings.Count - 1; i >= 0; i--)
        {
            var finding = report.Recordings[i];
            if (finding.Kind == Integrity.ChainFindingKind.Removed && finding.MissingId is { } id
                && await catalog.GetTombstoneAsync(id, cancellationToken) is { } tombstone)
            {
                report.Recordings.RemoveAt(i);
                report.Deleted.Add((id, $"deleted {tombstone.DeletedAt:O} ({tombstone.Reason}, by {tombstone.Actor ?? "system"})"));
            }
        }
    }

    private static void WriteVerifyReport(TextWriter output, VerifyReport report, string description, IStoreReader? repairSource)
    {
        output.WriteLine($"verify of {description}: {Count(report.Checked)} manifests" +
            (repairSource is null ? string.Empty : $", repairing from {repairSource.Description}"));
        output.WriteLine($"  good:              {Count(report.Good)}");
        output.WriteLine($"  missing:           {Count(report.Missing)}");
        output.WriteLine($"  corrupt:           {Count(report.Corrupt)}");
        output.WriteLine($"  repaired:          {Count(report.Repaired)}");
        output.WriteLine($"  invalid manifests: {Count(report.InvalidManifests.Count)}");
        WriteProblems(output, report.InvalidManifests);
        output.WriteLine($"  still missing or corrupt: {Count(report.StillBad.Count)}");
        WriteProblems(output, report.StillBad);
        if (report.ChainsChecked)
        {
            output.WriteLine($"  signed:            {Count(report.Signed)}");
            output.WriteLine($"  recordings changed, removed, reordered or inserted: {Count(report.Recordings.Count)}");
            WriteFindings(output, report.Recordings);
            output.WriteLine($"  deleted through the recorder (tombstoned): {Count(report.Deleted.Count)}");
            WriteProblems(output, report.Deleted);
        }
        else
        {
            output.WriteLine("  signatures and chains: not checked (give the public keys with --keys)");
        }

        if (report.AuditChecked)
        {
            output.WriteLine($"  audit entries:     {Count(report.AuditEntries)} chained, {Count(report.AuditUnchained)} from before the chain (not checked)");
            output.WriteLine($"  audit entries changed, removed, reordered or inserted: {Count(report.Audit.Count)}");
            WriteFindings(output, report.Audit);
        }
    }

    private static void WriteFindings(TextWriter output, List<Integrity.ChainFinding> findings)
    {
        foreach (var finding in findings)
        {
            output.WriteLine($"    {finding}");
        }
    }

    /// <summary>
    /// Opens the store named by option <paramref name="directoryOption"/> (a data directory) or
    /// <paramref name="sharedOption"/> (a blob connection string, with <c>--container</c>); null when opened, else the exit code.
    /// </summary>
    private static int? OpenSource(
        Dictionary<string, string> options, string directoryOption, string? sharedOption, TextWriter error, out IStoreReader store)
    {
        store = null!;
        if (options.TryGetValue(directoryOption, out var directory))
        {
            var files = new FileStoreReader(directory);
            if (!Directory.Exists(files.Root))
            {
                error.WriteLine($"error: --{directoryOption}: no directory {files.Root}");
                return StoreError;
            }

            if (!files.HasRecordingsFolder)
            {
                error.WriteLine($"error: --{directoryOption}: {files.Root} has no {FileStoreReader.RecordingsFolder} folder; give the node's data directory");
                return StoreError;
            }

            store = files;
            return null;
        }

        var connectionString = options[sharedOption!];
        var container = options.GetValueOrDefault("container", DefaultContainer);
        try
        {
            store = new SharedStoreReader(new AzureBlobSharedStore(connectionString, container), $"shared store container {container}");
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return Fail(error, $"--{sharedOption} is not a valid connection string or --container not a valid container name: {e.Message}");
        }

        return null;
    }

    private static void WriteProblems(TextWriter output, List<(string Name, string Problem)> problems)
    {
        foreach (var (name, problem) in problems.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            output.WriteLine($"    {name}: {problem}");
        }
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses <c>--name value</c> pairs; a repeated, valueless or positional argument is an error.</summary>
    private static bool TryParseOptions(ReadOnlySpan<string> args, out Dictionary<string, string> options, out string problem)
    {
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        problem = string.Empty;
        for (var i = 0; i < args.Length; i += 2)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
            {
                problem = $"expected an option like --name, got '{name}'";
                return false;
            }

            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"{name} needs a value";
                return false;
            }

            if (!options.TryAdd(name[2..], args[i + 1]))
            {
                problem = $"{name} is given twice";
                return false;
            }
        }

        return true;
    }

    /// <summary>What is wrong with the options: a required one missing or an unknown one given; null when nothing.</summary>
    private static string? Check(Dictionary<string, string> options, string[] required, string[] optional)
    {
        var missing = required.Where(r => !options.ContainsKey(r)).Select(r => "--" + r).ToArray();
        if (missing.Length > 0)
        {
            return $"missing {string.Join(", ", missing)}";
        }

        var unknown = options.Keys.Where(k => !required.Contains(k) && !optional.Contains(k)).Select(k => "--" + k).ToArray();
        return unknown.Length > 0 ? $"unknown option {string.Join(", ", unknown)}" : null;
    }

    private static int Fail(TextWriter error, string problem)
    {
        error.WriteLine($"error: {problem}");
        error.WriteLine();
        error.WriteLine(Usage);
        return UsageError;
    }
}
