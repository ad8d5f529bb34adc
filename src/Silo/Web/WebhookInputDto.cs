namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The body of <c>POST</c> and <c>PUT /api/webhooks</c>. On update a null field keeps its value; a <see cref="Secret"/>
/// replaces the secret, <see cref="RotateSecret"/> has a new one generated (and returned once).
/// </summary>
internal sealed record WebhookInputDto(
    string? Url,
    IReadOnlyList<string>? Events,
    string? Secret,
    bool? Enabled,
    string? Description,
    bool? RotateSecret);
