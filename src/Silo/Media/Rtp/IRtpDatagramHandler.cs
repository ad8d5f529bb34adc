namespace OrleansRecorder.Silo.Media.Rtp;

/// <summary>Takes the datagrams that an <see cref="RtpReceiveEngine"/> reads from one registered socket.</summary>
internal interface IRtpDatagramHandler
{
    /// <summary>
    /// One datagram, on the engine's receive thread. The spans are the engine's buffers, valid only during the call.
    /// </summary>
    /// <param name="datagram">The payload; one byte longer than the engine's maximum means it was truncated.</param>
    /// <param name="socketAddress">The source as a native sockaddr (family, port, address in Linux's layout).</param>
    /// <param name="arrivalTimestamp">When the batch holding it was read, from the engine's <see cref="TimeProvider"/>.</param>
    void OnDatagram(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> socketAddress, long arrivalTimestamp);
}
