namespace OrleansRecorder.Silo.Security;

/// <summary>Sign-in settings under <c>Recorder:Auth</c> (beside <c>AdminApiKey</c>).</summary>
internal sealed class SecurityOptions
{
    public const string SectionName = "Recorder:Auth";

    /// <summary>Password of the first admin (<c>admin</c>) when no admin exists; generated into <c>{DataDirectory}/admin-password</c> when empty.</summary>
    public string? InitialAdminPassword { get; set; }

    /// <summary>How long a sign-in lasts without activity.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromHours(8);
}
