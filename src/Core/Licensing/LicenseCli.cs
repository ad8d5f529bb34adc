using System.Globalization;
using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Licensing;

/// <summary>
/// The licence tool's commands (<c>tools/LicenseTool</c> is a shell around <see cref="Run"/>; tests call it in-process).
/// </summary>
/// <remarks>
/// Exit codes: 0 success (for <c>verify</c>: the licence is valid), 1 <c>verify</c> found the licence not valid,
/// 2 bad command line, 3 a file or key could not be read or written.
/// </remarks>
internal static class LicenseCli
{
    public const int Success = 0;
    public const int NotValid = 1;
    public const int UsageError = 2;
    public const int FileError = 3;

    public const string Usage = """
        Usage: LicenseTool <command> [options]

          keygen --private <file> --public <file>
              Create an ECDSA P-256 key pair (PEM). Keep the private key with the issuer; give nodes the public key
              (Recorder__License__PublicKey). Existing files are not overwritten.

          issue --private <file> --node <name> --role <primary|backup> --channels <n> --days <n> [--customer <text>] --out <file>
              Sign a licence for one node in one role, valid from now for <n> days (Recorder__License__File).

          verify --public <file> --license <file> --node <name> --role <primary|backup>
              Evaluate a licence as that node would and print the result. Exit code 0 when valid, 1 when not.
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(timeProvider);
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
                "keygen" => Keygen(options, output, error),
                "issue" => Issue(options, output, error, timeProvider),
                "verify" => Verify(options, output, error, timeProvider),
                _ => Fail(error, $"unknown command '{args[0]}'"),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            error.WriteLine($"error: {e.Message}");
            return FileError;
        }
    }

    private static int Keygen(Dictionary<string, string> options, TextWriter output, TextWriter error)
    {
        if (Check(options, ["private", "public"], []) is { } problem)
        {
            return Fail(error, problem);
        }

        var privatePath = options["private"];
        var publicPath = options["public"];
        foreach (var path in new[] { privatePath, publicPath })
        {
            if (File.Exists(path))
            {
                error.WriteLine($"error: {path} exists; not overwriting a key");
                return FileError;
            }
        }

        using var key = LicenseKeys.CreatePrivateKey();
        WriteNew(privatePath, key.ExportPkcs8PrivateKeyPem() + "\n", secret: true);
        WriteNew(publicPath, key.ExportSubjectPublicKeyInfoPem() + "\n", secret: false);
        output.WriteLine($"private key: {privatePath} (keep it with the issuer only)");
        output.WriteLine($"public key:  {publicPath} (Recorder__License__PublicKey on every node)");
        return Success;
    }

    private static int Issue(Dictionary<string, string> options, TextWriter output, TextWriter error, TimeProvider timeProvider)
    {
        if (Check(options, ["private", "node", "role", "channels", "days", "out"], ["customer"]) is { } problem)
        {
            return Fail(error, problem);
        }

        var node = options["node"].Trim();
        var role = options["role"].Trim().ToLowerInvariant();
        if (node.Length == 0)
        {
            return Fail(error, "--node must not be empty");
        }

        if (role is not ("primary" or "backup"))
        {
            return Fail(error, $"--role must be primary or backup, not '{options["role"]}'");
        }

        if (!int.TryParse(options["channels"], NumberStyles.None, CultureInfo.InvariantCulture, out var channels) || channels < 1)
        {
            return Fail(error, $"--channels must be a whole number of at least 1, not '{options["channels"]}'");
        }

        if (!int.TryParse(options["days"], NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > 36500)
        {
            return Fail(error, $"--days must be a whole number from 1 to 36500, not '{options["days"]}'");
        }

        var now = timeProvider.GetUtcNow();
        var issuedAt = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var license = new LicenseDocument
        {
            LicenseId = Guid.NewGuid().ToString("D"),
            Customer = options.GetValueOrDefault("customer"),
            Node = node,
            Role = role,
            Channels = channels,
            IssuedAt = issuedAt,
            ExpiresAt = issuedAt.AddDays(days),
        };

        using var key = LicenseKeys.LoadPrivateKey(options["private"]);
        File.WriteAllText(options["out"], LicenseSigner.Sign(license, key));
        output.WriteLine($"licence {license.LicenseId}: node {node}, role {role}, {channels} channels, " +
            $"expires {LicenseVerifier.FormatTime(license.ExpiresAt)} -> {options["out"]}");
        return Success;
    }

    private static int Verify(Dictionary<string, string> options, TextWriter output, TextWriter error, TimeProvider timeProvider)
    {
        if (Check(options, ["public", "license", "node", "role"], []) is { } problem)
        {
            return Fail(error, problem);
        }

        var state = new LicenseVerifier(timeProvider).Evaluate(options["license"], options["public"], options["node"], options["role"]);
        output.WriteLine($"kind: {state.Kind.ToString().ToLowerInvariant()}");
        output.WriteLine($"channels: {state.Channels.ToString(CultureInfo.InvariantCulture)}");
        output.WriteLine($"reason: {state.Reason ?? "-"}");
        if (state.License is { } license)
        {
            output.WriteLine($"licenseId: {license.LicenseId}");
            output.WriteLine($"customer: {license.Customer ?? "-"}");
            output.WriteLine($"node: {license.Node}");
            output.WriteLine($"role: {license.Role}");
            output.WriteLine($"licensedChannels: {license.Channels.ToString(CultureInfo.InvariantCulture)}");
            output.WriteLine($"issuedAt: {LicenseVerifier.FormatTime(license.IssuedAt)}");
            output.WriteLine($"expiresAt: {LicenseVerifier.FormatTime(license.ExpiresAt)}");
        }

        return state.IsValid ? Success : NotValid;
    }

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

    /// <summary>Creates <paramref name="path"/> (never overwriting); a secret is readable by its owner only on Unix.</summary>
    private static void WriteNew(string path, string text, bool secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.Write(text);
    }
}
