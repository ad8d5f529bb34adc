using System.Net;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Sip;

/// <summary>
/// Where a request goes: transport and destination; for TCP, Connection names the remote end point of an existing
/// connection to reuse first (the one the dialog's peer opened: CUCM sends in-dialog requests on its connection and
/// expects ours on it, RFC 3261 §18.1.1 / RFC 5923 spirit); when it is gone, a new connection to EndPoint is opened.
/// </summary>
internal readonly record struct SipTarget(SipTransportKind Transport, IPEndPoint EndPoint, IPEndPoint? Connection = null);
