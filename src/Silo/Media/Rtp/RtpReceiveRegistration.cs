using System.Net.Sockets;

namespace OrleansRecorder.Silo.Media.Rtp;

/// <summary>One socket in an <see cref="RtpReceiveLoop"/>'s epoll set; pass it back to <see cref="RtpReceiveEngine.Unregister"/>.</summary>
/// <remarks>
/// The registration holds a reference on the socket's handle from registration to removal, so the descriptor cannot be
/// closed and reused by another socket while the loop may still read it.
/// </remarks>
internal sealed class RtpReceiveRegistration
{
    private int _released;

    public RtpReceiveRegistration(long id, Socket socket, IRtpDatagramHandler handler, RtpReceiveLoop loop)
    {
        Id = id;
        Socket = socket;
        Handler = handler;
        Loop = loop;
        var added = false;
        socket.SafeHandle.DangerousAddRef(ref added);
        Descriptor = (int)socket.SafeHandle.DangerousGetHandle();
    }

    /// <summary>The epoll user data: never reused, so a stale event cannot reach another leg.</summary>
    public long Id { get; }

    public Socket Socket { get; }

    public int Descriptor { get; }

    public IRtpDatagramHandler Handler { get; }

    public RtpReceiveLoop Loop { get; }

    /// <summary>Drops the handle reference taken at registration; once only.</summary>
    public void ReleaseHandle()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Socket.SafeHandle.DangerousRelease();
        }
    }
}
