namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>What <see cref="RecorderNode.StartAsync"/> waits for.</summary>
internal enum StartWait
{
    /// <summary>/health/ready answers 200: the node records.</summary>
    Ready,

    /// <summary>/health/live answers 200: the process serves HTTP (it may still refuse calls).</summary>
    Live,

    /// <summary>Nothing: the test watches the process itself.</summary>
    None,
}
